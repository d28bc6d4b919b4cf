using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>The texture of one <see cref="RgbaImage"/>, re-uploaded only when the image's version moves on.</summary>
internal sealed class GpuImage(GL gl, RgbaImage image) : IDisposable
{
    private readonly GlTexture2D texture = new(gl, image.Width, image.Height, TextureFormat.Rgba8);
    private int uploadedVersion = -1;

    public GlTexture2D Texture => texture;

    public GlTexture2D Current(RgbaImage source)
    {
        if (source.Version != uploadedVersion)
        {
            texture.Upload(source.Pixels);
            uploadedVersion = source.Version;
        }
        return texture;
    }

    public void Dispose() => texture.Dispose();
}
