namespace FlowLive.Viewer.Graphics;

/// <summary>
/// The GLSL files of Graphics/Shaders, embedded in the assembly (the csproj names them FlowLive.Viewer.Shaders.FILE),
/// so the viewer never looks for files next to itself.
/// </summary>
internal static class ShaderSources
{
    public static string Load(string fileName)
    {
        string resource = "FlowLive.Viewer.Shaders." + fileName;
        using var stream = typeof(ShaderSources).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"shader {fileName} is not embedded (expected resource {resource})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
