using FlowLive.Viewer.Client;
using FlowLive.Viewer.Graphics;

namespace FlowLive.Viewer.Rendering;

/// <summary>
/// Where one layer stretches or squeezes space: a dense lattice of base points traced with log-dets, and for the layer
/// being animated (state from -> to) each cell of a fixed window coloured by the mean forward log|det| of that layer
/// over the lattice points in it, at the points' interpolated positions — so the map travels with the cloud, starting
/// where the layer's inputs sit and ending where its outputs land. Red stretches (log|det| &gt; 0), blue squeezes; one
/// symmetric scale for every layer (<see cref="Scale"/>), so colours compare across layers.
/// </summary>
public sealed class VolumeChangeMap
{
    /// <summary>Lattice points per side, over [-<see cref="LatticeReach"/>, <see cref="LatticeReach"/>]² in the base.</summary>
    public const int LatticeSide = 200;
    public const float LatticeReach = 3.5f;

    private readonly FlowTrace lattice;
    private readonly int columns, rows;
    private readonly float[] sum, filledSum;
    private readonly int[] count, filledCount;
    private readonly RgbaImage image;
    private (int Layer, float T)? painted;

    /// <param name="lattice">A complete trace with log-dets of <see cref="Lattice"/>'s points.</param>
    public VolumeChangeMap(FlowTrace lattice, int columns, int rows, (float X0, float X1, float Y0, float Y1) window)
    {
        if (lattice.LogDet is null || !lattice.Complete) throw new ArgumentException("the lattice trace must be complete and carry log-dets", nameof(lattice));
        (this.lattice, this.columns, this.rows, Window) = (lattice, columns, rows, window);
        sum = new float[columns * rows];
        filledSum = new float[columns * rows];
        count = new int[columns * rows];
        filledCount = new int[columns * rows];
        image = new RgbaImage(columns, rows);
        Scale = ScaleOf(lattice);
    }

    public (float X0, float X1, float Y0, float Y1) Window { get; }

    /// <summary>The log|det| drawn at full colour (either sign): the 95th percentile of |log|det|| over every layer.</summary>
    public float Scale { get; }

    public int LayerCount => lattice.LayerCount;

    /// <summary>The base points to trace: a square lattice, row after row.</summary>
    public static float[] Lattice()
    {
        var points = new float[2 * LatticeSide * LatticeSide];
        for (int row = 0, k = 0; row < LatticeSide; row++)
            for (int column = 0; column < LatticeSide; column++, k += 2)
            {
                points[k] = -LatticeReach + 2 * LatticeReach * (column + 0.5f) / LatticeSide;
                points[k + 1] = -LatticeReach + 2 * LatticeReach * (row + 0.5f) / LatticeSide;
            }
        return points;
    }

    /// <summary>The map of layer <paramref name="from"/> + 1 with its points <paramref name="t"/> of the way from state from to the next.</summary>
    public RgbaImage Between(int from, float t)
    {
        int layer = Math.Clamp(from + 1, 1, lattice.LayerCount);
        // Quantised like the density cross-fade: a slow animation need not re-bin for invisible moves.
        float step = MathF.Round(Math.Clamp(t, 0, 1) * 64) / 64;
        if (painted == (layer, step)) return image;
        Bin(lattice.States[layer - 1], lattice.States[layer], step, lattice.LogDet![layer]);
        Paint();
        painted = (layer, step);
        return image;
    }

    /// <summary>The mean log|det| per cell as last painted (NaN where no lattice point fell); row 0 at the top.</summary>
    public float MeanAt(int column, int row)
    {
        int i = row * columns + column;
        return filledCount[i] == 0 ? float.NaN : filledSum[i] / filledCount[i];
    }

    private void Bin(PointStates a, PointStates b, float t, float[] logDet)
    {
        Array.Clear(sum);
        Array.Clear(count);
        var (x0, x1, y0, y1) = Window;
        float sx = columns / (x1 - x0), sy = rows / (y1 - y0);
        int n = lattice.Total;
        for (int i = 0; i < n; i++)
        {
            float x = a.X[i] + t * (b.X[i] - a.X[i]), y = a.Y[i] + t * (b.Y[i] - a.Y[i]);
            int column = (int)MathF.Floor((x - x0) * sx), row = (int)MathF.Floor((y1 - y) * sy); // y up, rows down
            if ((uint)column >= (uint)columns || (uint)row >= (uint)rows || !float.IsFinite(logDet[i])) continue;
            sum[row * columns + column] += logDet[i];
            count[row * columns + column]++;
        }
        // Where a layer stretches, the lattice thins out and leaves empty cells inside the mass: an empty cell that
        // lies between filled ones (two opposite neighbours filled) takes the mean of its filled neighbours. Cells at
        // the map's edge have no filled opposite pair, so the edge does not grow.
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
            {
                int i = row * columns + column;
                if (count[i] > 0)
                {
                    (filledSum[i], filledCount[i]) = (sum[i], count[i]);
                    continue;
                }
                bool Filled(int dx, int dy)
                {
                    int r = row + dy, q = column + dx;
                    return (uint)r < (uint)rows && (uint)q < (uint)columns && count[r * columns + q] > 0;
                }
                (filledSum[i], filledCount[i]) = (0, 0);
                if (!(Filled(-1, 0) && Filled(1, 0) || Filled(0, -1) && Filled(0, 1) || Filled(-1, -1) && Filled(1, 1) || Filled(1, -1) && Filled(-1, 1)))
                    continue;
                float s = 0;
                int c = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        if (Filled(dx, dy))
                        {
                            int j = (row + dy) * columns + column + dx;
                            s += sum[j] / count[j];
                            c++;
                        }
                (filledSum[i], filledCount[i]) = (s / c, 1);
            }
    }

    private void Paint()
    {
        var pixels = image.Pixels;
        for (int i = 0; i < columns * rows; i++)
        {
            if (filledCount[i] == 0)
            {
                pixels[4 * i + 3] = 0;
                continue;
            }
            var c = PointColours.Diverging(filledSum[i] / filledCount[i] / Scale);
            (pixels[4 * i], pixels[4 * i + 1], pixels[4 * i + 2], pixels[4 * i + 3]) = (c.R, c.G, c.B, 190);
        }
        image.Touch();
    }

    private static float ScaleOf(FlowTrace lattice)
    {
        var magnitudes = new List<float>();
        for (int k = 1; k <= lattice.LayerCount; k++)
            for (int i = 0; i < lattice.Total; i += 7)
                if (float.IsFinite(lattice.LogDet![k][i])) magnitudes.Add(Math.Abs(lattice.LogDet[k][i]));
        if (magnitudes.Count == 0) return 1;
        magnitudes.Sort();
        return Math.Max(0.05f, magnitudes[(int)(0.95 * (magnitudes.Count - 1))]);
    }
}
