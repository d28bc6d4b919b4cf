extern alias viewer;
using System.Runtime.CompilerServices;
using viewer::FlowLive.Viewer.Graphics;
using Silk.NET.OpenGL;
using Rgb = viewer::FlowLive.Imaging.Rgb;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>GL object lifetimes and failures: shader errors carry the driver's log, and nothing outlives its owner.</summary>
public class GlResourceTests
{
    private const string Vertex = "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n";

    [SkippableFact]
    public void AShaderThatDoesNotCompileThrowsWithTheInfoLogAndTheProgramsName()
    {
        using var gl = HeadlessGl.Open(8, 8);
        const string broken = "#version 330 core\nout vec4 colour;\nvoid main() { colour = vec4(undeclaredThing, 1.0); }\n";

        var error = Assert.Throws<GlShaderException>(() => new GlShaderProgram(gl.Context.Gl, "broken-test", Vertex, broken));

        Assert.Equal("broken-test", error.ShaderName);
        Assert.Equal("fragment shader compile", error.Stage);
        Assert.Contains("undeclaredThing", error.InfoLog);
        Assert.Contains("broken-test", error.Message);
        Assert.Contains(error.InfoLog.Trim(), error.Message);
    }

    [SkippableFact]
    public void AProgramThatDoesNotLinkThrowsWithTheLinkLog()
    {
        using var gl = HeadlessGl.Open(8, 8);
        // Compiles alone (a shader may be one of several parts); linking fails: no stage-entry main().
        const string fragment = "#version 330 core\nout vec4 colour;\nvoid notMain() { colour = vec4(1.0); }\n";

        var error = Assert.Throws<GlShaderException>(() => new GlShaderProgram(gl.Context.Gl, "unlinkable", Vertex, fragment));

        Assert.Equal("link", error.Stage);
        Assert.Contains("main", error.InfoLog);
    }

    [SkippableFact]
    public void AMisspeltUniformFailsWhenLookedUp()
    {
        using var gl = HeadlessGl.Open(8, 8);
        using var program = GlShaderProgram.FromResources(gl.Context.Gl, "shapes", "shapes.vert.glsl", "shapes.frag.glsl");

        var error = Assert.Throws<InvalidOperationException>(() => program.Uniform("uProjektion"));
        Assert.Contains("'shapes' has no active uniform 'uProjektion'", error.Message);
    }

    [SkippableFact]
    public void DisposingTheRendererDeletesEveryGlObjectItMade()
    {
        using var gl = HeadlessGl.Open(16, 16);
        var renderer = new GlRenderer2D(gl.Context);
        var image = new RgbaImage(2, 2);
        var cloud = new PointCloud { From = [0, 0], Colours = [Rgba.White] };
        renderer.BeginFrame(Rgb.Black);
        renderer.DrawImage(image, new RectangleF(0, 0, 8, 8), true);
        renderer.DrawPoints(cloud, 0, ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, 16, 16)), 2);
        renderer.DrawText("leak?", new(0, 0), 10, Rgba.White);
        renderer.EndFrame();
        var objects = renderer.GlObjects().ToList();
        Assert.Equal(["buffer", "program", "texture", "vertex array"], objects.Select(o => o.Kind).Distinct().Order());
        Assert.Equal(2, objects.Count(o => o.Kind == "texture")); // the atlas and the image
        Assert.All(objects, o => Assert.True(Exists(gl.Context.Gl, o), $"{o.Kind} {o.Handle} should exist before Dispose"));

        renderer.Dispose();

        Assert.All(objects, o => Assert.False(Exists(gl.Context.Gl, o), $"{o.Kind} {o.Handle} outlived the renderer"));
    }

    [SkippableFact]
    public void AnImageTheScenesDroppedHasItsTextureFreedAtTheNextFrame()
    {
        using var gl = HeadlessGl.Open(16, 16);
        uint texture = DrawAnImageAndForgetIt(gl.Renderer);
        Assert.True(gl.Context.Gl.IsTexture(texture));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        gl.Frame(Rgb.Black, _ => { });

        Assert.False(gl.Context.Gl.IsTexture(texture), "the dropped image's texture is still alive");
        Assert.DoesNotContain(gl.Renderer.GlObjects(), o => o == ("texture", texture));
    }

    [SkippableFact]
    public void DisposingAFramebufferDeletesItAndItsColourTexture()
    {
        using var gl = HeadlessGl.Open(4, 4);
        var framebuffer = new GlFramebuffer(gl.Context.Gl, 20, 10);
        framebuffer.Resize(30, 12);
        Assert.Equal((30, 12), (framebuffer.Width, framebuffer.Height));
        Assert.True(gl.Context.Gl.IsFramebuffer(framebuffer.Handle));

        framebuffer.Dispose();

        Assert.False(gl.Context.Gl.IsFramebuffer(framebuffer.Handle));
        Assert.False(gl.Context.Gl.IsTexture(framebuffer.Colour.Handle));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint DrawAnImageAndForgetIt(GlRenderer2D renderer)
    {
        var image = new RgbaImage(3, 3);
        renderer.BeginFrame(Rgb.Black);
        renderer.DrawImage(image, new RectangleF(0, 0, 3, 3), false);
        renderer.EndFrame();
        return renderer.GlObjects().Last(o => o.Kind == "texture").Handle;
    }

    private static bool Exists(GL gl, (string Kind, uint Handle) o) => o.Kind switch
    {
        "program" => gl.IsProgram(o.Handle),
        "texture" => gl.IsTexture(o.Handle),
        "buffer" => gl.IsBuffer(o.Handle),
        "vertex array" => gl.IsVertexArray(o.Handle),
        _ => throw new ArgumentException($"unknown GL object kind {o.Kind}"),
    };
}
