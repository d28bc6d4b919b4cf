namespace FlowLive.Viewer.Graphics;

/// <summary>A shader failed to compile or a program to link; carries the driver's info log, which names the line.</summary>
public sealed class GlShaderException(string shaderName, string stage, string infoLog)
    : Exception($"shader program '{shaderName}': {stage} failed:\n{infoLog.Trim()}")
{
    public string ShaderName { get; } = shaderName;
    public string Stage { get; } = stage;
    public string InfoLog { get; } = infoLog;
}
