using System.Numerics;
using FlowLive.Imaging;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// <see cref="IRenderer2D"/> on OpenGL 3.3 core. Rectangles, lines and text gather in one <see cref="ShapeBatch"/>
/// (text samples the atlas, shapes its white block) and go out in a single draw call whenever something else must be
/// drawn on top (an image, points) or the frame ends, so painter's order holds. Images and point clouds keep GPU
/// copies per instance (<see cref="GpuCache{TKey,TValue}"/>). Owns GL state on its context: every frame sets what it
/// relies on. All calls on the surface's GL thread.
/// </summary>
public sealed class GlRenderer2D : IRenderer2D, IDisposable
{
    private readonly IGlSurface surface;
    private readonly GL gl;
    private readonly GlShaderProgram shapeProgram;
    private readonly GlShaderProgram imageProgram;
    private readonly GlShaderProgram pointProgram;
    private readonly ShapeUniforms shapeUniforms;
    private readonly ShapeUniforms imageUniforms;
    private readonly PointUniforms pointUniforms;
    private readonly TextAtlas atlas;
    private readonly GlTexture2D atlasTexture;
    private readonly ShapeBatch shapes;
    private readonly ShapeBatch imageQuad;
    private readonly GpuCache<RgbaImage, GpuImage> images = new();
    private readonly GpuCache<PointCloud, GpuPointCloud> clouds = new();
    private readonly List<Vector2> lineTriangles = [];
    private readonly List<GlyphQuad> glyphQuads = [];
    private Matrix4x4 projection;
    private bool inFrame;
    private bool disposed;

    public GlRenderer2D(IGlSurface surface)
    {
        this.surface = surface;
        gl = surface.Gl;
        RendererName = gl.GetStringS(StringName.Renderer) ?? "unknown";
        IsSoftware = SoftwareRenderers.IsSoftware(RendererName);

        shapeProgram = GlShaderProgram.FromResources(gl, "shapes", "shapes.vert.glsl", "shapes.frag.glsl");
        imageProgram = GlShaderProgram.FromResources(gl, "image", "shapes.vert.glsl", "image.frag.glsl");
        pointProgram = GlShaderProgram.FromResources(gl, "points", "points.vert.glsl", "points.frag.glsl");
        shapeUniforms = new ShapeUniforms(shapeProgram, "uCoverage");
        imageUniforms = new ShapeUniforms(imageProgram, "uImage");
        pointUniforms = new PointUniforms(pointProgram);

        atlas = TextAtlas.Shared;
        atlasTexture = new GlTexture2D(gl, atlas.Width, atlas.Height, TextureFormat.R8);
        atlasTexture.Upload(atlas.Coverage);
        atlasTexture.GenerateMipmaps(TextAtlas.MaxMipLevel);

        shapes = new ShapeBatch(gl);
        imageQuad = new ShapeBatch(gl);
        Width = surface.Width;
        Height = surface.Height;
        GlErrors.Check(gl, "creating the 2-D renderer");
    }

    public int Width { get; private set; }
    public int Height { get; private set; }
    public string RendererName { get; }
    public bool IsSoftware { get; }

    public void BeginFrame(Rgb background)
    {
        if (inFrame) throw new InvalidOperationException("BeginFrame called twice without EndFrame");
        images.Sweep();
        clouds.Sweep();
        Width = surface.Width;
        Height = surface.Height;
        projection = Matrix4x4.CreateOrthographicOffCenter(0, Width, Height, 0, -1, 1);

        gl.BindFramebuffer(FramebufferTarget.Framebuffer, surface.Framebuffer);
        gl.Viewport(0, 0, (uint)Width, (uint)Height);
        gl.Disable(EnableCap.DepthTest);
        gl.Disable(EnableCap.CullFace);
        gl.Disable(EnableCap.ScissorTest);
        gl.Enable(EnableCap.Blend);
        // Straight-alpha "over" for colour; alpha accumulates coverage, so the frame stays opaque over an opaque
        // background and a screenshot's alpha is 255.
        gl.BlendFuncSeparate(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha, BlendingFactor.One, BlendingFactor.OneMinusSrcAlpha);
        gl.ClearColor(background.R / 255f, background.G / 255f, background.B / 255f, 1);
        gl.Clear(ClearBufferMask.ColorBufferBit);
        inFrame = true;
    }

    /// <summary>Draws what is still batched. Presenting the frame (swapping) is the window's business.</summary>
    public void EndFrame()
    {
        RequireFrame(nameof(EndFrame));
        FlushShapes();
        inFrame = false;
        GlErrors.CheckInDebug(gl, "drawing a frame");
    }

    /// <summary>Waits until GL has drawn everything (benchmarks: frame times that include the rendering itself).</summary>
    public void Finish() => gl.Finish();

    public void DrawImage(RgbaImage image, RectangleF destination, bool smooth)
    {
        RequireFrame(nameof(DrawImage));
        if (image.Width == 0 || image.Height == 0) return; // GL has no empty textures
        FlushShapes();
        var texture = images.GetOrCreate(image, i => new GpuImage(gl, i)).Current(image);
        texture.SetSmooth(smooth);
        imageProgram.Use();
        imageUniforms.Set(gl, projection);
        gl.ActiveTexture(TextureUnit.Texture0);
        texture.Bind();
        imageQuad.AddQuad(destination, new RectangleF(0, 0, 1, 1), Rgba.White);
        imageQuad.Draw();
    }

    public void FillRectangle(RectangleF rectangle, Rgba colour)
    {
        RequireFrame(nameof(FillRectangle));
        var white = atlas.WhiteTexCoord;
        shapes.AddQuad(rectangle, new RectangleF(white.X, white.Y, 0, 0), colour);
    }

    public void DrawLines(ReadOnlySpan<Vector2> points, Rgba colour, float width, LineMode mode)
    {
        RequireFrame(nameof(DrawLines));
        lineTriangles.Clear();
        LineGeometry.Triangulate(points, width, mode, lineTriangles);
        shapes.AddTriangles(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(lineTriangles), atlas.WhiteTexCoord, colour);
    }

    /// <summary>
    /// Also clips the points to <paramref name="view"/>'s viewport, so a zoomed-in cloud stays inside its panel.
    /// </summary>
    public void DrawPoints(PointCloud cloud, float t, in ViewTransform view, float pointSize)
    {
        RequireFrame(nameof(DrawPoints));
        if (cloud.Count == 0) return;
        FlushShapes();
        var gpu = clouds.GetOrCreate(cloud, _ => new GpuPointCloud(gl));
        gpu.Prepare(cloud);
        pointProgram.Use();
        pointUniforms.Set(gl, projection, t, view, pointSize);
        gl.Enable(EnableCap.ProgramPointSize);
        Scissor(view.Viewport);
        gl.DrawArrays(PrimitiveType.Points, 0, (uint)gpu.Count);
        gl.Disable(EnableCap.ScissorTest);
    }

    public void DrawText(string text, Vector2 position, float pixelHeight, Rgba colour)
    {
        RequireFrame(nameof(DrawText));
        glyphQuads.Clear();
        atlas.Layout(text, position, pixelHeight, glyphQuads);
        foreach (var glyph in glyphQuads) shapes.AddQuad(glyph.Quad, glyph.TexCoords, colour);
    }

    public Vector2 MeasureText(string text, float pixelHeight) => atlas.Layout(text, Vector2.Zero, pixelHeight, null);

    /// <summary>Call after <see cref="EndFrame"/> and before the window swaps (after a swap the back buffer is undefined).</summary>
    public unsafe RgbaImage ReadPixels()
    {
        if (inFrame) FlushShapes();
        int width = surface.Width, height = surface.Height;
        var image = new RgbaImage(width, height);
        var bottomUp = new byte[image.Pixels.Length];
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, surface.Framebuffer);
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* data = bottomUp)
            gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, data);
        GlErrors.Check(gl, "reading the frame's pixels");
        // GL's first row is the bottom of the frame; images start at the top.
        int stride = width * 4;
        for (int row = 0; row < height; row++)
            bottomUp.AsSpan((height - 1 - row) * stride, stride).CopyTo(image.Pixels.AsSpan(row * stride));
        image.Touch();
        return image;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // A program still in use is only flagged for deletion; unbinding lets it go now.
        gl.UseProgram(0);
        gl.BindVertexArray(0);
        images.Dispose();
        clouds.Dispose();
        shapes.Dispose();
        imageQuad.Dispose();
        atlasTexture.Dispose();
        shapeProgram.Dispose();
        imageProgram.Dispose();
        pointProgram.Dispose();
    }

    /// <summary>Every GL object this renderer holds now, by kind (tests check that none survives <see cref="Dispose"/>).</summary>
    internal IEnumerable<(string Kind, uint Handle)> GlObjects()
    {
        foreach (var program in new[] { shapeProgram, imageProgram, pointProgram }) yield return ("program", program.Handle);
        yield return ("texture", atlasTexture.Handle);
        foreach (var image in images.Values) yield return ("texture", image.Texture.Handle);
        foreach (var batch in new[] { shapes, imageQuad })
        {
            yield return ("buffer", batch.Buffer.Handle);
            yield return ("vertex array", batch.VertexArray.Handle);
        }
        foreach (var cloud in clouds.Values)
        {
            foreach (var buffer in cloud.Buffers) yield return ("buffer", buffer.Handle);
            yield return ("vertex array", cloud.VertexArray.Handle);
        }
    }

    private void FlushShapes()
    {
        if (shapes.IsEmpty) return;
        shapeProgram.Use();
        shapeUniforms.Set(gl, projection);
        gl.ActiveTexture(TextureUnit.Texture0);
        atlasTexture.Bind();
        shapes.Draw();
    }

    /// <summary>Limits drawing to a rectangle in window pixels (GL counts scissor rows from the bottom).</summary>
    private void Scissor(RectangleF area)
    {
        int left = (int)MathF.Floor(area.X), top = (int)MathF.Floor(area.Y);
        int right = (int)MathF.Ceiling(area.Right), bottom = (int)MathF.Ceiling(area.Bottom);
        gl.Enable(EnableCap.ScissorTest);
        gl.Scissor(left, Height - bottom, (uint)Math.Max(0, right - left), (uint)Math.Max(0, bottom - top));
    }

    private void RequireFrame(string call)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!inFrame) throw new InvalidOperationException($"{call} outside BeginFrame/EndFrame");
    }
}
