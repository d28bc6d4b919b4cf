using System.Diagnostics;
using FlowLive.Imaging;

namespace FlowLive.Viewer.Graphics;

/// <summary>
/// One measured drawing case: frames per second, every frame finished by the GPU (glFinish), and the process's CPU
/// time per frame (on llvmpipe the GPU is the CPU: this figure holds up when other programs share the cores).
/// </summary>
public sealed record RendererBenchmarkResult(string Case, double FramesPerSecond, double CpuMillisecondsPerFrame, int Frames);

/// <summary>
/// Frame rates of the drawing paths that decide how scenes draw: GPU points (positions lerped in the vertex shader)
/// against a CPU image uploaded each frame (the splatting path). On llvmpipe the image path wins by an order of
/// magnitude; on a GPU the points scale to millions. Meant for a `bench` command, not for tests (timings vary with load).
/// </summary>
public static class RendererBenchmark
{
    public static IReadOnlyList<RendererBenchmarkResult> Run(GlRenderer2D renderer, IGlSurface surface, TimeSpan perCase, int[] pointCounts)
    {
        var results = new List<RendererBenchmarkResult>();
        var random = new Random(1);
        var view = ViewTransform.Fit(-1, 1, -1, 1, new RectangleF(0, 0, surface.Width, surface.Height));
        foreach (int count in pointCounts)
        {
            var cloud = new PointCloud
            {
                From = RandomPositions(random, count),
                To = RandomPositions(random, count),
                Colours = Enumerable.Range(0, count).Select(i => new Rgba((byte)(i * 7), 160, 220)).ToArray(),
            };
            results.Add(Measure($"DrawPoints {count:N0} points (size 2, morphing)", renderer, surface, perCase,
                frame => renderer.DrawPoints(cloud, frame % 60 / 60f, view, 2)));
        }

        var image = new RgbaImage(surface.Width, surface.Height);
        random.NextBytes(image.Pixels);
        var whole = new RectangleF(0, 0, surface.Width, surface.Height);
        results.Add(Measure($"DrawImage {image.Width}x{image.Height}, re-uploaded every frame", renderer, surface, perCase, frame =>
        {
            image.Pixels[frame % image.Pixels.Length] ^= 0xFF;
            image.Touch();
            renderer.DrawImage(image, whole, smooth: true);
        }));
        results.Add(Measure($"DrawImage {image.Width}x{image.Height}, unchanged", renderer, surface, perCase,
            _ => renderer.DrawImage(image, whole, smooth: true)));
        results.Add(Measure("100 labels and 50 translucent panels", renderer, surface, perCase, _ =>
        {
            for (int i = 0; i < 100; i++) renderer.DrawText("loss 0.1234", new(i * 37 % (surface.Width - 100), i * 23 % (surface.Height - 20)), 16, Rgba.White);
            for (int i = 0; i < 50; i++) renderer.FillRectangle(new(i * 53 % surface.Width, i * 31 % surface.Height, 60, 30), new Rgba(30, 90, 200, 110));
        }));
        return results;
    }

    private static RendererBenchmarkResult Measure(string name, GlRenderer2D renderer, IGlSurface surface, TimeSpan duration, Action<int> draw)
    {
        void Frame(int index)
        {
            renderer.BeginFrame(Rgb.Black);
            draw(index);
            renderer.EndFrame();
            surface.Gl.Finish();
        }

        Frame(0); // uploads and shader compilation happen once, not in the measurement
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int frames = 0;
        while (clock.Elapsed < duration) Frame(++frames);
        double seconds = clock.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new RendererBenchmarkResult(name, frames / seconds, cpu.TotalMilliseconds / frames, frames);
    }

    private static float[] RandomPositions(Random random, int count)
    {
        var positions = new float[2 * count];
        for (int i = 0; i < positions.Length; i++) positions[i] = (float)(random.NextDouble() * 2 - 1);
        return positions;
    }
}
