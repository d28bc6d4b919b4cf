using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// A linked vertex + fragment program. Compile and link failures throw <see cref="GlShaderException"/> with the info
/// log. Uniform locations are looked up once, at setup, by <see cref="Uniform"/>, which fails on a misspelt or unused
/// name instead of silently drawing with defaults.
/// </summary>
public sealed class GlShaderProgram : IDisposable
{
    private readonly GL gl;

    public GlShaderProgram(GL gl, string name, string vertexSource, string fragmentSource)
    {
        this.gl = gl;
        Name = name;
        uint vertex = Compile(ShaderType.VertexShader, "vertex shader compile", vertexSource);
        uint fragment;
        try
        {
            fragment = Compile(ShaderType.FragmentShader, "fragment shader compile", fragmentSource);
        }
        catch
        {
            gl.DeleteShader(vertex);
            throw;
        }

        Handle = gl.CreateProgram();
        gl.AttachShader(Handle, vertex);
        gl.AttachShader(Handle, fragment);
        gl.LinkProgram(Handle);
        // The program keeps the compiled code; the shader objects are not needed after linking.
        gl.DetachShader(Handle, vertex);
        gl.DetachShader(Handle, fragment);
        gl.DeleteShader(vertex);
        gl.DeleteShader(fragment);
        gl.GetProgram(Handle, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            string log = gl.GetProgramInfoLog(Handle);
            gl.DeleteProgram(Handle);
            throw new GlShaderException(name, "link", log);
        }
        GlErrors.Check(gl, $"building shader program '{name}'");
    }

    /// <summary>The program made of Graphics/Shaders/<paramref name="vertexFile"/> and <paramref name="fragmentFile"/>.</summary>
    public static GlShaderProgram FromResources(GL gl, string name, string vertexFile, string fragmentFile) =>
        new(gl, name, ShaderSources.Load(vertexFile), ShaderSources.Load(fragmentFile));

    public string Name { get; }
    public uint Handle { get; }

    public void Use() => gl.UseProgram(Handle);

    public int Uniform(string uniform)
    {
        int location = gl.GetUniformLocation(Handle, uniform);
        if (location < 0)
            throw new InvalidOperationException($"shader program '{Name}' has no active uniform '{uniform}'");
        return location;
    }

    public void Dispose() => gl.DeleteProgram(Handle);

    private uint Compile(ShaderType type, string stage, string source)
    {
        uint shader = gl.CreateShader(type);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int compiled);
        if (compiled != 0) return shader;
        string log = gl.GetShaderInfoLog(shader);
        gl.DeleteShader(shader);
        throw new GlShaderException(Name, stage, log);
    }
}
