using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

public enum TextureFormat { Rgba8, R8 }

/// <summary>
/// A 2-D texture of a fixed format whose rows are stored as given: the first row uploaded is texture row 0, which the
/// renderer maps to the top of a quad, so CPU images (top row first) need no flipping.
/// </summary>
public sealed class GlTexture2D : IDisposable
{
    private readonly GL gl;

    public GlTexture2D(GL gl, int width, int height, TextureFormat format)
    {
        this.gl = gl;
        Format = format;
        Handle = gl.GenTexture();
        Bind();
        // Clamped: a stretched image must not wrap its opposite edge into the border texels.
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMaxLevel, 0);
        SetSmooth(false);
        Resize(width, height);
    }

    public uint Handle { get; }
    public int Width { get; private set; }
    public int Height { get; private set; }
    public TextureFormat Format { get; }

    private int BytesPerPixel => Format == TextureFormat.Rgba8 ? 4 : 1;

    public void Bind() => gl.BindTexture(TextureTarget.Texture2D, Handle);

    /// <summary>New storage of the given size; the contents are undefined until the next upload or draw.</summary>
    public unsafe void Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Bind();
        gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat, (uint)width, (uint)height, 0, PixelFormat, PixelType.UnsignedByte, null);
        GlErrors.Check(gl, $"allocating a {width}x{height} {Format} texture");
    }

    /// <summary>Replaces the whole image: <paramref name="pixels"/> holds Width x Height pixels, rows packed tight.</summary>
    public unsafe void Upload(ReadOnlySpan<byte> pixels)
    {
        int expected = Width * Height * BytesPerPixel;
        if (pixels.Length != expected)
            throw new ArgumentException($"{pixels.Length} bytes for a {Width}x{Height} {Format} texture ({expected} expected)", nameof(pixels));
        Bind();
        // Rows are packed with no padding; GL's default assumes 4-byte rows (wrong for R8 widths like 28).
        gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        fixed (byte* data = pixels)
            gl.TexSubImage2D(TextureTarget.Texture2D, 0, 0, 0, (uint)Width, (uint)Height, PixelFormat, PixelType.UnsignedByte, data);
    }

    /// <summary>Linear filtering (smooth heatmaps, scaled text) or nearest (pixel-exact digit grids).</summary>
    public void SetSmooth(bool smooth)
    {
        Bind();
        var filter = smooth ? TextureMinFilter.Linear : TextureMinFilter.Nearest;
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)filter);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)filter);
    }

    /// <summary>
    /// Mipmaps down to <paramref name="maxLevel"/> with trilinear filtering, so a texture drawn much smaller than it
    /// was rasterised (the text atlas) stays smooth instead of shimmering.
    /// </summary>
    public void GenerateMipmaps(int maxLevel)
    {
        Bind();
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMaxLevel, maxLevel);
        gl.GenerateMipmap(TextureTarget.Texture2D);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.LinearMipmapLinear);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
        GlErrors.Check(gl, "generating mipmaps");
    }

    public void Dispose() => gl.DeleteTexture(Handle);

    private InternalFormat InternalFormat => Format == TextureFormat.Rgba8 ? InternalFormat.Rgba8 : InternalFormat.R8;
    private PixelFormat PixelFormat => Format == TextureFormat.Rgba8 ? PixelFormat.Rgba : PixelFormat.Red;
}
