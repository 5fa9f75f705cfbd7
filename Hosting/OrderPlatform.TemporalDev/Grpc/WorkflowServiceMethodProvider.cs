using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Grpc;

/// <summary>
/// Binds every WorkflowService method from the descriptors shipped in Temporalio.dll: the SDK carries the message
/// classes but no server base class, so each method gets protobuf marshallers built from its own parsers.
/// </summary>
internal sealed class WorkflowServiceMethodProvider : IServiceMethodProvider<WorkflowServiceEndpoint>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<WorkflowServiceEndpoint> context)
    {
        ServiceDescriptor service = ServiceReflection.Descriptor.Services[0];
        foreach (MethodDescriptor method in service.Methods)
        {
            MessageParser requestParser = method.InputType.Parser;
            MessageParser responseParser = method.OutputType.Parser;
            var grpcMethod = new Method<IMessage, IMessage>(
                MethodType.Unary,
                service.FullName,
                method.Name,
                Marshallers.Create(m => m.ToByteArray(), requestParser.ParseFrom),
                Marshallers.Create(m => m.ToByteArray(), responseParser.ParseFrom));
            string name = method.Name;
            context.AddUnaryMethod(
                grpcMethod,
                [],
                (endpoint, request, callContext) => endpoint.DispatchAsync(name, request, callContext));
        }
    }
}
