using Grpc.Core;

namespace FlowLive.Viewer.Client;

/// <summary>
/// How the viewer survives a server that is not there yet, goes away mid-stream or restarts: a call that fails for
/// a transient reason (UNAVAILABLE, a dropped connection, a stream the server cancelled, an expired deadline) is reported on screen and tried again
/// with growing pauses (up to 5 s) until it succeeds or the scene cancels it; a call the server refuses for a reason
/// that retrying will not change (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ...) is reported and dropped.
/// </summary>
public static class Retrying
{
    /// <summary>How a call ended: it succeeded, the server refused it for good (reported), or the viewer cancelled it.</summary>
    public enum Outcome { Succeeded, Refused, Cancelled }

    public static async Task<Outcome> Run(Func<CancellationToken, Task> attempt, Action<string?> report, string what, CancellationToken cancellation)
    {
        var pause = TimeSpan.FromMilliseconds(500);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await attempt(cancellation);
                report(null);
                return Outcome.Succeeded;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return Outcome.Cancelled;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellation.IsCancellationRequested)
            {
                return Outcome.Cancelled;
            }
            catch (RpcException e) when (IsTransient(e.StatusCode))
            {
                report($"{what}: server unreachable ({Describe(e)}); retrying in {pause.TotalSeconds:0.#} s");
            }
            catch (RpcException e)
            {
                report($"{what}: {e.Status.Detail} ({e.StatusCode})");
                return Outcome.Refused;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException)
            {
                report($"{what}: {e.Message}; retrying in {pause.TotalSeconds:0.#} s");
            }
            try { await Task.Delay(pause, cancellation); }
            catch (OperationCanceledException) { return Outcome.Cancelled; }
            pause = TimeSpan.FromSeconds(Math.Min(5, pause.TotalSeconds * 2));
        }
        return Outcome.Cancelled;
    }

    /// <summary>
    /// CANCELLED counts as transient when the viewer did not cancel (that case returns earlier): a server shutting
    /// down resets its open streams with CANCEL, and the viewer should be back when it returns.
    /// </summary>
    public static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Aborted
            or StatusCode.Cancelled;

    private static string Describe(RpcException e) =>
        string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail.Split('\n')[0];
}
