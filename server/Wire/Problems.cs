using Grpc.Core;

namespace FlowLive.Server.Wire;

/// <summary>The statuses FlowLive answers with, each message naming the field or cap at fault (see models.proto).</summary>
public static class Problems
{
    public static RpcException Invalid(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    public static RpcException OverCap(string field, string cap, string problem) =>
        new(new Status(StatusCode.ResourceExhausted, $"{field}: {problem} (cap {cap})"));

    public static RpcException NotFound(string what, string name, string hint) =>
        new(new Status(StatusCode.NotFound, $"no {what} named '{name}' ({hint})"));

    public static RpcException Precondition(string problem) =>
        new(new Status(StatusCode.FailedPrecondition, problem));

    public static RpcException Unavailable(string problem) =>
        new(new Status(StatusCode.Unavailable, problem));
}
