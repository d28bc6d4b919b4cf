namespace FlowLive.Viewer.Graphics;

/// <summary>
/// Recognises Mesa's CPU rasterisers by their GL_RENDERER string. On them vertex work runs on the app thread (200k
/// GL points ≈ 22-25 fps at 800x600), while splatting on the CPU into one texture runs at hundreds of fps.
/// </summary>
public static class SoftwareRenderers
{
    private static readonly string[] names = ["llvmpipe", "softpipe", "swrast", "software rasterizer"];

    public static bool IsSoftware(string rendererName) =>
        names.Any(name => rendererName.Contains(name, StringComparison.OrdinalIgnoreCase));
}
