extern alias viewer;
using System.Numerics;
using viewer::FlowLive.Viewer.Graphics;

namespace FlowLive.Tests.Viewer.Graphics;

/// <summary>The text atlas on the CPU: which glyphs it holds and how text is laid out (the same layout draws and measures).</summary>
public class TextAtlasTests
{
    [SkippableFact]
    public void DejaVuSansGivesEveryCharacterTheAtlasAsksFor()
    {
        Skip.IfNot(File.Exists(TextAtlas.FontPath), "fonts-dejavu-core is not installed");
        var atlas = TextAtlas.Shared;

        Assert.Equal("DejaVu Sans", atlas.FontName);
        Assert.All(TextAtlas.Characters, c => Assert.True(atlas.Has(c), $"no glyph for '{c}'"));
        Assert.Equal(atlas.Width * atlas.Height, atlas.Coverage.Length);
        // The white block that untextured shapes sample is full coverage.
        var white = atlas.WhiteTexCoord;
        Assert.Equal(255, atlas.Coverage[(int)(white.Y * atlas.Height) * atlas.Width + (int)(white.X * atlas.Width)]);
    }

    [Fact]
    public void LayoutScalesWithTheHeightAndBreaksLines()
    {
        var atlas = TextAtlas.Shared;
        var small = atlas.Layout("Loss 0.25", Vector2.Zero, 12, null);
        var large = atlas.Layout("Loss 0.25", Vector2.Zero, 36, null);
        var twoLines = atlas.Layout("Loss 0.25\nstep 10", Vector2.Zero, 12, null);

        Assert.Equal(12, small.Y);
        Assert.Equal(3 * small.X, large.X, 2);
        Assert.Equal(24, twoLines.Y);
        Assert.Equal(small.X, twoLines.X, 3);
        Assert.Equal(Vector2.Zero, atlas.Layout("", Vector2.Zero, 12, null));
    }

    [Fact]
    public void QuadsLieInsideTheMeasuredBoxAndUnknownCharactersDrawAsQuestionMarks()
    {
        var atlas = TextAtlas.Shared;
        var quads = new List<GlyphQuad>();
        var at = new Vector2(30, 40);
        var size = atlas.Layout("jump ☃ ok", at, 20, quads);

        Assert.Equal(7, quads.Count); // j u m p ? o k: spaces have no quad, the snowman is a '?'
        Assert.All(quads, q => Assert.True(q.Quad.X >= at.X && q.Quad.Right <= at.X + size.X + 1e-3f && q.Quad.Y >= at.Y - 1e-3f && q.Quad.Bottom <= at.Y + size.Y + 1e-3f,
            $"{q.Quad} outside the box at {at} of size {size}"));
        var questionMark = new List<GlyphQuad>();
        atlas.Layout("?", Vector2.Zero, 20, questionMark);
        Assert.Equal(questionMark[0].TexCoords, quads[4].TexCoords);
    }
}
