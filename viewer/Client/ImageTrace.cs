using FlowLive.Protos.V1;

namespace FlowLive.Viewer.Client;

/// <summary>
/// An image model's Trace for a handful of samples: every state of every sample as a small grey image, ready to
/// draw. States whose shape is not an image of the data's size (a squeeze's [4, 14, 14]) are shown honestly as their
/// channels tiled side by side; each state is scaled by its own robust range (the 1st to 99th percentile over all
/// samples), since latents, logits and pixels live on different scales.
/// </summary>
public sealed class ImageTrace(int samples, int layerCount)
{
    private readonly float[]?[][] raw = Enumerable.Range(0, layerCount + 1).Select(_ => new float[]?[samples]).ToArray();
    private readonly long[]?[] shapes = new long[]?[layerCount + 1];

    public int Samples { get; } = samples;
    public int LayerCount { get; } = layerCount;

    /// <summary>Tiles: per state, per sample, grey values in [0, 1] of size <see cref="TileSize"/>(state).</summary>
    public float[][][] Tiles { get; } = new float[layerCount + 1][][];

    public (int Width, int Height) TileSize(int state)
    {
        var s = shapes[state]!;
        return s.Length == 3 ? ((int)(s[0] > 1 ? TileColumns(s[0]) * s[2] : s[2]), (int)(s[0] > 1 ? TileRows(s[0]) * s[1] : s[1]))
            : ((int)Math.Ceiling(Math.Sqrt(s[0])), (int)Math.Ceiling(Math.Sqrt(s[0])));
    }

    public bool Complete { get; private set; }

    public void Add(TraceResponse message)
    {
        int k = message.LayerIndex;
        var shape = message.State.Shape.Skip(1).ToArray();
        shapes[k] = shape;
        int size = (int)shape.Aggregate(1L, (a, b) => a * b);
        var values = WireTensors.Floats(message.State);
        for (int i = 0; i < message.State.Shape[0]; i++)
            raw[k][(int)message.Offset + i] = values.Slice(i * size, size).ToArray();
        if (raw.All(state => state.All(s => s is not null)))
        {
            for (int state = 0; state <= LayerCount; state++) Tiles[state] = Layout(state);
            Complete = true;
        }
    }

    private float[][] Layout(int state)
    {
        var all = raw[state].SelectMany(s => s!).Where(float.IsFinite).OrderBy(v => v).ToArray();
        float low = all.Length == 0 ? 0 : all[(int)(0.01 * (all.Length - 1))];
        float high = all.Length == 0 ? 1 : all[(int)(0.99 * (all.Length - 1))];
        float span = Math.Max(1e-6f, high - low);
        var shape = shapes[state]!;
        var (width, height) = TileSize(state);
        return raw[state].Select(sample =>
        {
            var tile = new float[width * height];
            if (shape.Length == 3)
            {
                long channels = shape[0], h = shape[1], w = shape[2];
                int columns = channels > 1 ? TileColumns(channels) : 1;
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                        {
                            int tx = (int)((c % columns) * w + x), ty = (int)((c / columns) * h + y);
                            tile[ty * width + tx] = Math.Clamp((sample![(c * h + y) * w + x] - low) / span, 0, 1);
                        }
            }
            else
            {
                for (int i = 0; i < sample!.Length; i++) tile[i] = Math.Clamp((sample[i] - low) / span, 0, 1);
            }
            return tile;
        }).ToArray();
    }

    private static int TileColumns(long channels) => (int)Math.Ceiling(Math.Sqrt(channels));
    private static int TileRows(long channels) => (int)Math.Ceiling(channels / (double)TileColumns(channels));
}
