using System.Numerics;
using SkiaSharp;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// A font's glyphs rasterised once, large (<see cref="RasterSize"/> px), into one coverage image, plus where each
/// glyph sits and how far it advances. Text of any size is then quads sampling this image with linear filtering and
/// mipmaps: sharp on a projector, smooth when small, no font work per frame. Built once per process
/// (<see cref="Shared"/>); each renderer uploads it to its own texture. Kerning is not applied.
/// </summary>
internal sealed class TextAtlas
{
    public const float RasterSize = 48;
    public const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>Printable ASCII and the symbols of axis labels and lecture maths.</summary>
    public const string Characters =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~" +
        "°×·→←↑↓≤≥±−…√∞≈≠∑∫∂∇" +
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ";

    // Padding between cells keeps mip levels (down to MaxMipLevel: 8 atlas pixels per texel) from mixing neighbours.
    private const int Padding = 16;
    private const int AtlasWidth = 1024;
    private const int WhiteSize = 16;
    public const int MaxMipLevel = 3;

    private static readonly Lazy<TextAtlas> shared = new(() => Build(LoadTypeface()));

    private readonly Dictionary<char, Glyph> glyphs;
    private readonly Glyph fallback;

    private TextAtlas(int width, int height, byte[] coverage, Dictionary<char, Glyph> glyphs, float ascent, float descent, string fontName)
    {
        Width = width;
        Height = height;
        Coverage = coverage;
        this.glyphs = glyphs;
        Ascent = ascent;
        LineHeight = ascent + descent;
        FontName = fontName;
        fallback = glyphs.GetValueOrDefault('?');
        // The white block is aligned to the coarsest mip level, so every level samples pure white at its centre.
        WhiteTexCoord = new Vector2((Padding + WhiteSize / 2f) / width, (Padding + WhiteSize / 2f) / height);
    }

    public static TextAtlas Shared => shared.Value;

    /// <summary>Atlas size in pixels; <see cref="Coverage"/> is one byte per pixel, top row first.</summary>
    public int Width { get; }
    public int Height { get; }
    public byte[] Coverage { get; }

    /// <summary>The family actually used (DejaVu Sans, or whatever font was found instead).</summary>
    public string FontName { get; }

    /// <summary>Texture coordinates of a block of full coverage: untextured shapes sample it, sharing text's draw call.</summary>
    public Vector2 WhiteTexCoord { get; }

    /// <summary>Baseline below the line's top, and the line's height, at <see cref="RasterSize"/>.</summary>
    public float Ascent { get; }
    public float LineHeight { get; }

    public bool Has(char c) => glyphs.ContainsKey(c);

    /// <summary>
    /// Lays <paramref name="text"/> out with its top-left at <paramref name="topLeft"/>, lines
    /// <paramref name="pixelHeight"/> apart ('\n' breaks), appending one quad per visible glyph to
    /// <paramref name="quads"/> when given; returns the size of the box that holds every quad and advance. Characters
    /// the atlas lacks draw as '?'.
    /// </summary>
    public Vector2 Layout(string text, Vector2 topLeft, float pixelHeight, List<GlyphQuad>? quads)
    {
        if (!(pixelHeight > 0) || text.Length == 0) return Vector2.Zero;
        float scale = pixelHeight / LineHeight;
        float width = 0, pen = 0;
        int line = 0;
        bool lineStart = true;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                line++;
                pen = 0;
                lineStart = true;
                continue;
            }
            var glyph = c == '\t' ? glyphs.GetValueOrDefault(' ') with { Advance = 4 * glyphs.GetValueOrDefault(' ').Advance }
                : glyphs.TryGetValue(c, out var g) ? g : fallback;
            // A first glyph reaching left of its origin (j, y) is moved right, so the box's left edge holds all ink.
            if (lineStart && glyph.Offset.X < 0) pen = -glyph.Offset.X * scale;
            lineStart = false;
            if (glyph.Cell.Width > 0)
            {
                var quad = new RectangleF(topLeft.X + pen + glyph.Offset.X * scale,
                    topLeft.Y + line * pixelHeight + (Ascent + glyph.Offset.Y) * scale,
                    glyph.Cell.Width * scale, glyph.Cell.Height * scale);
                quads?.Add(new GlyphQuad(quad, new RectangleF(glyph.Cell.X / Width, glyph.Cell.Y / Height,
                    glyph.Cell.Width / Width, glyph.Cell.Height / Height)));
                width = Math.Max(width, quad.Right - topLeft.X);
            }
            pen += glyph.Advance * scale;
            width = Math.Max(width, pen);
        }
        return new Vector2(width, (line + 1) * pixelHeight);
    }

    /// <summary>DejaVu Sans (Debian's fonts-dejavu-core), else any TrueType font installed, else Skia's default.</summary>
    public static SKTypeface LoadTypeface()
    {
        if (SKTypeface.FromFile(FontPath) is { } dejaVu) return dejaVu;
        const string fonts = "/usr/share/fonts";
        if (Directory.Exists(fonts))
            foreach (var file in Directory.EnumerateFiles(fonts, "*.ttf", SearchOption.AllDirectories).Order())
                if (SKTypeface.FromFile(file) is { } any) return any;
        return SKTypeface.Default;
    }

    public static TextAtlas Build(SKTypeface typeface)
    {
        using var font = new SKFont(typeface, RasterSize) { Edging = SKFontEdging.Antialias, Hinting = SKFontHinting.None, Subpixel = true };
        var metrics = font.Metrics;
        var chars = Characters.Where(c => font.GetGlyph(c) != 0).ToArray();
        var ids = chars.Select(c => font.GetGlyph(c)).ToArray();
        var advances = new float[ids.Length];
        var bounds = new SKRect[ids.Length];
        font.GetGlyphWidths(ids, advances, bounds);

        // Shelf packing: cells left to right, a new row when the width runs out. The white block comes first.
        var cells = new SKRectI[ids.Length];
        int x = Padding + WhiteSize + Padding, y = Padding, rowHeight = WhiteSize;
        for (int i = 0; i < ids.Length; i++)
        {
            // The ink box, grown by a pixel of zero coverage so linear filtering fades to nothing at the quad's edge.
            var box = InkBox(bounds[i]);
            int w = box.Width == 0 ? 0 : box.Width + 2, h = box.Height == 0 ? 0 : box.Height + 2;
            if (x + w + Padding > AtlasWidth)
            {
                x = Padding;
                y += rowHeight + Padding;
                rowHeight = 0;
            }
            cells[i] = SKRectI.Create(x, y, w, h);
            x += w + Padding;
            rowHeight = Math.Max(rowHeight, h);
        }
        int height = y + rowHeight + Padding;

        var info = new SKImageInfo(AtlasWidth, height, SKColorType.Alpha8, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.White, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawRect(Padding, Padding, WhiteSize, WhiteSize, paint);
            for (int i = 0; i < ids.Length; i++)
            {
                if (cells[i].Width == 0) continue;
                var box = InkBox(bounds[i]);
                // Origin placed so the ink box lands one pixel inside its cell.
                canvas.DrawText(chars[i].ToString(), cells[i].Left + 1 - box.Left, cells[i].Top + 1 - box.Top, font, paint);
            }
        }

        var glyphs = new Dictionary<char, Glyph>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            var box = InkBox(bounds[i]);
            var cell = cells[i];
            glyphs[chars[i]] = new Glyph(new RectangleF(cell.Left, cell.Top, cell.Width, cell.Height),
                new Vector2(box.Left - 1, box.Top - 1), advances[i]);
        }
        return new TextAtlas(AtlasWidth, height, CopyRows(bitmap), glyphs, -metrics.Ascent, metrics.Descent, typeface.FamilyName);
    }

    /// <summary>Whole pixels holding all of a glyph's ink (bounds rounded outwards).</summary>
    private static SKRectI InkBox(SKRect bounds) =>
        new((int)MathF.Floor(bounds.Left), (int)MathF.Floor(bounds.Top), (int)MathF.Ceiling(bounds.Right), (int)MathF.Ceiling(bounds.Bottom));

    /// <summary>The bitmap's bytes with rows packed tight (Skia may pad rows).</summary>
    private static byte[] CopyRows(SKBitmap bitmap)
    {
        var pixels = bitmap.GetPixelSpan();
        var packed = new byte[bitmap.Width * bitmap.Height];
        for (int row = 0; row < bitmap.Height; row++)
            pixels.Slice(row * bitmap.RowBytes, bitmap.Width).CopyTo(packed.AsSpan(row * bitmap.Width));
        return packed;
    }
}

/// <summary>
/// One glyph in the atlas: its cell (atlas pixels), where the cell's top-left sits relative to the pen on the
/// baseline, and how far the pen then moves; all at <see cref="TextAtlas.RasterSize"/>.
/// </summary>
internal readonly record struct Glyph(RectangleF Cell, Vector2 Offset, float Advance);

/// <summary>A glyph placed: its quad in window pixels and its cell in texture coordinates.</summary>
internal readonly record struct GlyphQuad(RectangleF Quad, RectangleF TexCoords);
