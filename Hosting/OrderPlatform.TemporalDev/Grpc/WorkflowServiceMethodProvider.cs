using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Grpc;

/// <summary>
/// Binds WorkflowService methods to the message classes shipped in Temporalio.dll: the SDK carries the messages but no
/// server base class, so each name in <see cref="WorkflowServiceEndpoint.BoundMethods"/> becomes a unary method whose
/// marshallers use its <c>XRequest</c>/<c>XResponse</c> classes' own parsers.
/// </summary>
/// <remarks>
/// Neither <c>ServiceReflection.Descriptor</c> nor a scan of the assembly is used, and only the listed methods are bound
/// (the framework answers UNIMPLEMENTED for the rest): the descriptor graph, the type scan and per-method binding of all
/// 123 methods together cost seconds at startup, and the SDK's launcher allows the process five.
/// </remarks>
internal sealed class WorkflowServiceMethodProvider : IServiceMethodProvider<WorkflowServiceEndpoint>
{
    private const string ServiceName = "temporal.api.workflowservice.v1.WorkflowService";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<WorkflowServiceEndpoint> context)
    {
        Assembly api = typeof(GetSystemInfoRequest).Assembly;
        string ns = typeof(GetSystemInfoRequest).Namespace!;
        foreach (string name in WorkflowServiceEndpoint.BoundMethods)
        {
            var grpcMethod = new Method<IMessage, IMessage>(
                MethodType.Unary,
                ServiceName,
                name,
                Marshaller(api.GetType($"{ns}.{name}Request", throwOnError: true)!),
                Marshaller(api.GetType($"{ns}.{name}Response", throwOnError: true)!));
            context.AddUnaryMethod(
                grpcMethod,
                [],
                (endpoint, message, callContext) => endpoint.DispatchAsync(name, message, callContext));
        }
    }

    private static Marshaller<IMessage> Marshaller(Type messageType)
    {
        var parser = (MessageParser)messageType.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
    }
}
