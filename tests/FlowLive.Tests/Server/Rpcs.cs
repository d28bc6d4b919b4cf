using Grpc.Core;

namespace FlowLive.Tests.Server;

/// <summary>Small conveniences for calling the server in tests.</summary>
public static class Rpcs
{
    /// <summary>Every message of a server stream, in order (the call is disposed at the end).</summary>
    public static async Task<List<T>> ReadAll<T>(AsyncServerStreamingCall<T> call, CancellationToken cancellation = default)
    {
        using (call)
        {
            var messages = new List<T>();
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellation)) messages.Add(message);
            return messages;
        }
    }

    /// <summary>The status a call ends with; fails the test when it succeeds.</summary>
    public static async Task<RpcException> Failure(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; true when it held.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
    }
}
