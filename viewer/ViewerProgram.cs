namespace FlowLive.Viewer;

/// <summary>Entry point of the viewer process; the CLI calls the same.</summary>
public static class ViewerProgram
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("flowlive-viewer: the window lands with the viewer's engine (viewer/Engine)");
        return 1;
    }
}
