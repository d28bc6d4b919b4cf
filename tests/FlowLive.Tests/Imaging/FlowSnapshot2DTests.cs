using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Imaging;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Imaging;

/// <summary>The numbers behind every 2-D picture: density grids against closed forms and integrals, traces, colours, memory.</summary>
public sealed class FlowSnapshot2DTests
{
    static readonly double[] Mean = [0.5, -0.75];
    static readonly double[] LogStd = [-0.2, 0.3];

    /// <summary>x = exp(s) z + t: exactly N(t, diag(exp(2 s))).</summary>
    static Flow GaussianFlow(ScalarType dtype = ScalarType.Float64)
    {
        var shape = Shape.Vector(2);
        return new Flow(new StandardNormal(shape),
            [new Scale(new ScaleSpec { Shape = shape, LogScale = LogStd }), new Translate(new TranslateSpec { Shape = shape, Shift = Mean })])
            .To(CPU, dtype);
    }

    /// <summary>A non-Gaussian flow with no random weights: a scale, a fold (leaky ReLU) and a shift.</summary>
    static Flow FoldedFlow()
    {
        var shape = Shape.Vector(2);
        return new Flow(new StandardNormal(shape),
        [
            new Scale(new ScaleSpec { Shape = shape, LogScale = [0.4, -0.1] }),
            new LeakyRelu(new LeakyReluSpec { Shape = shape, Slope = 0.5 }),
            new Translate(new TranslateSpec { Shape = shape, Shift = [-0.5, 0.25] }),
        ]).To(CPU, ScalarType.Float64);
    }

    static double GaussianLogDensity(double x, double y, double[] mean, double[] logStd)
    {
        double ux = (x - mean[0]) / Math.Exp(logStd[0]), uy = (y - mean[1]) / Math.Exp(logStd[1]);
        return -0.5 * (ux * ux + uy * uy) - logStd[0] - logStd[1] - Math.Log(2 * Math.PI);
    }

    [Fact]
    public void Density_grid_of_a_scale_and_translate_flow_is_the_gaussians_closed_form_at_every_cell_centre()
    {
        using var flow = GaussianFlow();
        var window = new GridWindow(-3, 4, -5, 3, columns: 70, rows: 40);
        var grid = DensityGrid.Evaluate(flow, window);
        Assert.Equal(70 * 40, grid.LogDensity.Length);
        double worst = 0;
        for (int row = 0; row < window.Rows; row++)
            for (int column = 0; column < window.Columns; column++)
            {
                double expected = GaussianLogDensity(window.XCentre(column), window.YCentre(row), Mean, LogStd);
                worst = Math.Max(worst, Math.Abs(expected - grid.LogDensityAt(row, column)));
            }
        Assert.True(worst < 1e-5, $"max |log p grid - closed form| = {worst:E2}");
        // Row 0 is the top of the window: the cell nearest the mean is where the grid peaks.
        int peak = Array.IndexOf(grid.LogDensity, grid.LogDensity.Max());
        Assert.InRange(window.XCentre(peak % window.Columns), Mean[0] - window.CellWidth, Mean[0] + window.CellWidth);
        Assert.InRange(window.YCentre(peak / window.Columns), Mean[1] - window.CellHeight, Mean[1] + window.CellHeight);
    }

    [Fact]
    public void Density_times_cell_area_sums_to_one_over_a_window_holding_the_mass()
    {
        using var gaussian = GaussianFlow();
        Assert.Equal(1.0, DensityGrid.Evaluate(gaussian, new GridWindow(-6, 7, -8, 6, 200, 180)).Mass(), 3);
        using var folded = FoldedFlow();
        Assert.Equal(1.0, DensityGrid.Evaluate(folded, GridWindow.Square(8, 256)).Mass(), 2);
    }

    [Fact]
    public void A_512_by_512_grid_is_evaluated_in_bounded_batches_and_holds_the_mass()
    {
        using var flow = GaussianFlow(ScalarType.Float32);
        var grid = DensityGrid.Evaluate(flow, GridWindow.Square(6, 512));
        Assert.Equal(512 * 512, grid.LogDensity.Length);
        Assert.Equal(1.0, grid.Mass(), 3);
    }

    [Fact]
    public void Batch_size_does_not_change_the_grid()
    {
        using var flow = FoldedFlow();
        var window = GridWindow.Square(3, 33);
        Assert.Equal(DensityGrid.Evaluate(flow, window, batchSize: 8192).LogDensity, DensityGrid.Evaluate(flow, window, batchSize: 7).LogDensity);
    }

    [Fact]
    public void Prefix_zero_grid_is_the_base_density_and_each_prefix_grid_is_that_prefixs_log_prob()
    {
        using var flow = FoldedFlow();
        var window = GridWindow.Square(3, 24);
        var snapshot = FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 50, Window = window, PrefixDensities = true });
        var prefixes = snapshot.PrefixDensities!;
        Assert.Equal(flow.LayerCount + 1, prefixes.Count);
        for (int cell = 0; cell < window.CellCount; cell++)
        {
            double x = window.XCentre(cell % window.Columns), y = window.YCentre(cell / window.Columns);
            Assert.Equal(GaussianLogDensity(x, y, [0, 0], [0, 0]), prefixes[0].LogDensity[cell], 5);
        }
        using var scope = NewDisposeScope();
        var centres = tensor(window.Centres(), [window.CellCount, 2]).to(float64);
        for (int k = 0; k <= flow.LayerCount; k++)
        {
            var expected = flow.Prefix(k).LogProb(centres).to(float32).data<float>().ToArray();
            Assert.Equal(expected, prefixes[k].LogDensity);
        }
        Assert.Same(snapshot.Density, prefixes[^1]);
    }

    [Fact]
    public void Snapshot_states_are_the_flows_trace_of_seeded_base_samples()
    {
        using var flow = FoldedFlow();
        var snapshot = FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 300, Seed = 12, Window = null });
        using var scope = NewDisposeScope();
        var states = flow.Trace(flow.Base.Sample(300, seed: 12));
        Assert.Equal(states.Count, snapshot.States.Count);
        for (int k = 0; k < states.Count; k++)
            Assert.Equal(states[k].to(float32).data<float>().ToArray(), snapshot.States[k]);
        Assert.Equal(["base", "scale", "leaky_relu", "translate"], snapshot.StateNames);
        Assert.Equal(flow.Sample(300, seed: 12).to(float32).data<float>().ToArray(), snapshot.Samples);
        Assert.Null(snapshot.Density);
        Assert.Null(snapshot.Data);
    }

    [Fact]
    public void Colours_angles_and_radii_follow_the_base_point_and_repeat_for_a_seed()
    {
        using var flow = FoldedFlow();
        var options = new FlowSnapshot2DOptions { Points = 200, Seed = 3, Window = null };
        var a = FlowSnapshot2D.Capture(flow, options);
        var b = FlowSnapshot2D.Capture(flow, options);
        var c = FlowSnapshot2D.Capture(flow, options with { Seed = 4 });
        Assert.Equal(a.Colours, b.Colours);
        Assert.NotEqual(a.Colours, c.Colours);
        for (int i = 0; i < a.PointCount; i++)
        {
            double x = a.States[0][2 * i], y = a.States[0][2 * i + 1];
            Assert.Equal(Colormap.Hue(Math.Atan2(y, x)), a.Colours[i]);
            Assert.Equal(Math.Atan2(y, x), a.BaseAngle[i], 5);
            Assert.Equal(Math.Sqrt(x * x + y * y), a.BaseRadius[i], 5);
        }
        Assert.True(a.Colours.Distinct().Count() > 100, "colours by angle should be nearly all different");
    }

    [Fact]
    public void Data_is_cut_to_the_point_count_and_tempered_samples_are_seeded()
    {
        using var flow = GaussianFlow(ScalarType.Float32);
        using var data = arange(0, 40, dtype: float32).reshape(20, 2);
        var snapshot = FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions { Points = 8, Seed = 5, Window = null, Temperatures = [0.0, 0.6] }, data);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (float)i), snapshot.Data!);
        // Pushed to the base: z = (x - t) / exp(s).
        for (int i = 0; i < 16; i++)
            Assert.Equal((i - Mean[i % 2]) / Math.Exp(LogStd[i % 2]), snapshot.DataLatents![i], 4);
        Assert.Equal([0.0, 0.6], snapshot.TemperedSamples.Select(t => t.Temperature));
        // Temperature 0 decodes the base mode: every point is the mean.
        Assert.All(snapshot.TemperedSamples[0].Points.Chunk(2), p => { Assert.Equal(Mean[0], p[0], 5); Assert.Equal(Mean[1], p[1], 5); });
        using var expected = flow.Sample(8, temperature: 0.6, seed: 7);
        Assert.Equal(expected.data<float>().ToArray(), snapshot.TemperedSamples[1].Points);
    }

    [Fact]
    public void Capture_and_grids_leak_no_tensors()
    {
        using var flow = FoldedFlow();
        using var data = randn(100, 2, dtype: float64);
        LiveTensors.AssertNoLeak(() => FlowSnapshot2D.Capture(flow, new FlowSnapshot2DOptions
        {
            Points = 64, Window = GridWindow.Square(3, 20), PrefixDensities = true, Temperatures = [0.5], BatchSize = 50,
        }, data), "FlowSnapshot2D.Capture");
        LiveTensors.AssertNoLeak(() => DensityGrid.Evaluate(flow, GridWindow.Square(2, 16), batchSize: 10), "DensityGrid.Evaluate");
    }

    [Fact]
    public void Wrong_inputs_are_refused_naming_what_is_wrong()
    {
        var shape = Shape.Vector(3);
        using var flow3 = new Flow(new StandardNormal(shape), [new Translate(new TranslateSpec { Shape = shape })]);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => DensityGrid.Evaluate(flow3, GridWindow.Square(1, 4))).Message);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => FlowSnapshot2D.Capture(flow3)).Message);
        using var flow = GaussianFlow();
        using var data = zeros(4, 3);
        Assert.Contains("[4, 3]", Assert.Throws<ArgumentException>(() => FlowSnapshot2D.Capture(flow, data: data)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridWindow(1, 1, 0, 1, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridWindow(0, 1, 0, 1, 0, 4));
        Assert.Throws<ArgumentException>(() => new DensityGrid(GridWindow.Square(1, 4), new float[15]));
    }

    [Fact]
    public void Demo_figure_draws_the_snapshot_it_takes()
    {
        using var flow = FoldedFlow().To(CPU, ScalarType.Float32);
        using var data = randn(500, 2, generator: new TorchSharp.torch.Generator(1));
        var options = new FlowFigure2D.Options { Points = 400, DensityResolution = 40, PanelSize = 120, Seed = 2 };
        var canvas = FlowFigure2D.Render(flow, data, "TEST", options);
        var again = FlowFigure2D.Draw(FlowSnapshot2D.Capture(flow, options.SnapshotOptions(), data), "TEST", options);
        Assert.Equal(canvas.ToRgbBytes(), again.ToRgbBytes());
        // Four panels on top (data, samples, density, cooled samples), four states below in a row of five.
        int cell = options.PanelSize + 8;
        Assert.Equal(5 * cell + 8, canvas.Width);
        Assert.Equal(24 + 2 * (options.PanelSize + PlotPanel.TitleHeight + 8) + 16 + 14, canvas.Height);
    }
}
