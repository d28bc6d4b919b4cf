namespace FlowLive.Tests.Viewer.Platform;

/// <summary>
/// The test assembly's own entry point (the csproj turns off the empty one the test SDK generates). The test runner
/// never calls it; <see cref="SelfProcess"/> does, to run a check that needs a process of its own.
/// </summary>
internal static class TestAssemblyEntry
{
    public static int Main(string[] args) => args switch
    {
        [WindowChecks.OpenRenderResizeClose] => WindowChecks.RunOpenRenderResizeClose(),
        [WindowChecks.KeyFromXServer] => WindowChecks.RunKeyFromXServer(),
        [WindowChecks.NoDisplay] => WindowChecks.RunNoDisplay(),
        [WindowChecks.WholeApp] => WholeAppCheck.Run().GetAwaiter().GetResult(),
        [Build.HeapChecks.RepeatedGrid] => Build.HeapChecks.RunRepeatedGrid(),
        [Build.MklChecks.OneProduct] => Build.MklChecks.RunOneProduct(),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine($"FlowLive.Tests.dll runs its tests through `dotnet test`; checks: {WindowChecks.OpenRenderResizeClose}, {WindowChecks.KeyFromXServer}, {WindowChecks.NoDisplay}, {WindowChecks.WholeApp}, {Build.HeapChecks.RepeatedGrid}, {Build.MklChecks.OneProduct}");
        return 2;
    }
}
