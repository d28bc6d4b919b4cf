using System.Numerics;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// Uniform locations of the renderer's programs, looked up once when the program is built (a missing uniform fails
/// there, by name), so drawing sets values by location with no string lookups.
/// </summary>
internal sealed class ShapeUniforms(GlShaderProgram program, string sampler)
{
    private readonly int projection = program.Uniform("uProjection");
    private readonly int texture = program.Uniform(sampler);

    /// <summary>Call with the program in use; the texture is read from unit 0.</summary>
    public void Set(GL gl, in Matrix4x4 pixelsToClip)
    {
        SetMatrix(gl, projection, pixelsToClip);
        gl.Uniform1(texture, 0);
    }

    internal static unsafe void SetMatrix(GL gl, int location, Matrix4x4 matrix) =>
        // System.Numerics stores row vectors (v * M); GL's column-major reading of the same floats is M^T, which is
        // the column-vector form the shader multiplies with (M * v): no transpose needed.
        gl.UniformMatrix4(location, 1, false, (float*)&matrix);
}

/// <inheritdoc cref="ShapeUniforms"/>
internal sealed class PointUniforms(GlShaderProgram program)
{
    private readonly int projection = program.Uniform("uProjection");
    private readonly int t = program.Uniform("uT");
    private readonly int centre = program.Uniform("uCentre");
    private readonly int scale = program.Uniform("uScale");
    private readonly int viewportCentre = program.Uniform("uViewportCentre");
    private readonly int pointSize = program.Uniform("uPointSize");

    public void Set(GL gl, in Matrix4x4 pixelsToClip, float morph, in ViewTransform view, float size)
    {
        ShapeUniforms.SetMatrix(gl, projection, pixelsToClip);
        gl.Uniform1(t, morph);
        gl.Uniform2(centre, view.Centre.X, view.Centre.Y);
        gl.Uniform1(scale, view.Scale);
        gl.Uniform2(viewportCentre, view.Viewport.X + view.Viewport.Width / 2, view.Viewport.Y + view.Viewport.Height / 2);
        gl.Uniform1(pointSize, size);
    }
}
