using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.Common.V1;
using Temporalio.Api.ErrorDetails.V1;

namespace OrderPlatform.TemporalDev.Grpc;

/// <summary>Builds RpcExceptions whose status details carry exactly one packed Temporal failure, as the SDK expects.</summary>
internal static class RpcErrors
{
    public static RpcException NotFound(string message) =>
        WithDetail(StatusCode.NotFound, message, new NotFoundFailure());

    public static RpcException InvalidArgument(string message) =>
        new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException Unimplemented(string method) =>
        new(new Status(StatusCode.Unimplemented, $"OrderPlatform.TemporalDev does not implement {method}"));

    public static RpcException AlreadyStarted(string message, string startRequestId, string runId) =>
        WithDetail(StatusCode.AlreadyExists, message, new WorkflowExecutionAlreadyStartedFailure
        {
            StartRequestId = startRequestId,
            RunId = runId,
        });

    public static RpcException QueryFailed(string message, Temporalio.Api.Failure.V1.Failure? failure) =>
        WithDetail(StatusCode.InvalidArgument, message, new QueryFailedFailure { Failure = failure });

    private static RpcException WithDetail(StatusCode code, string message, IMessage detail)
    {
        var status = new GrpcStatus { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(detail));
        var trailers = new Metadata { { "grpc-status-details-bin", status.ToByteArray() } };
        return new RpcException(new Status(code, message), trailers);
    }
}
