using FlowLive.Protos.V1;
using Xunit.Abstractions;
using static FlowLive.Tests.Server.ServedModels;
using DensityGridMessage = FlowLive.Protos.V1.DensityGrid;

namespace FlowLive.Tests.Server;

/// <summary>DensityGrid: the grid is the model's log-density at the cell centres, laid out as the contract says.</summary>
[Collection(ServedModels.Collection)]
public sealed class DensityGridRpcTests(ServedModels served, ITestOutputHelper output)
{
    static double XCentre(DensityGridMessage g, int column) => g.Bounds.XMin + (column + 0.5) * (g.Bounds.XMax - g.Bounds.XMin) / g.Columns;
    static double YCentre(DensityGridMessage g, int row) => g.Bounds.YMax - (row + 0.5) * (g.Bounds.YMax - g.Bounds.YMin) / g.Rows;
    static double CellArea(DensityGridMessage g) => (g.Bounds.XMax - g.Bounds.XMin) / g.Columns * (g.Bounds.YMax - g.Bounds.YMin) / g.Rows;
    static double Mass(DensityGridMessage g) => WireTensors.Values(g.LogDensity).Sum(v => Math.Exp(v)) * CellArea(g);

    [Fact]
    public async Task Each_cell_is_the_log_density_at_its_centre_row_0_at_the_top()
    {
        var bounds = new Bounds { XMin = -1.5, XMax = 2.5, YMin = -1, YMax = 1.5 };
        var grid = Assert.Single(await Rpcs.ReadAll(served.Models.DensityGrid(
            new DensityGridRequest { Model = Moons, Columns = 5, Rows = 3, Bounds = bounds }))).Grid;
        Assert.Equal(bounds, grid.Bounds);
        Assert.Equal((5, 3), (grid.Columns, grid.Rows));
        Assert.Equal([3L, 5L], grid.LogDensity.Shape.ToArray());

        var centres = new List<float>();
        for (int row = 0; row < 3; row++)
            for (int column = 0; column < 5; column++)
                centres.AddRange([(float)XCentre(grid, column), (float)YCentre(grid, row)]);
        var logProb = await served.Models.LogProbAsync(new LogProbRequest { Model = Moons, Points = WireTensors.Of(centres.ToArray(), 15, 2) });
        var expected = WireTensors.Values(logProb.LogProb);
        var actual = WireTensors.Values(grid.LogDensity);
        for (int i = 0; i < 15; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
    }

    [Fact]
    public async Task Rows_default_to_columns_and_the_default_window_surrounds_the_samples()
    {
        var grid = Assert.Single(await Rpcs.ReadAll(served.Models.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 40 }))).Grid;
        Assert.Equal((40, 40), (grid.Columns, grid.Rows));
        Assert.Equal(grid.Columns * grid.Rows, WireTensors.Values(grid.LogDensity).Length);
        Assert.True(grid.Bounds.XMax > grid.Bounds.XMin && grid.Bounds.YMax > grid.Bounds.YMin);
        var samples = WireTensors.Values((await Rpcs.ReadAll(served.Models.Sample(new SampleRequest { Model = Moons, Count = 200, Seed = 1 })))[0].Points);
        int inside = Enumerable.Range(0, 200).Count(i =>
            samples[2 * i] >= grid.Bounds.XMin && samples[2 * i] <= grid.Bounds.XMax && samples[2 * i + 1] >= grid.Bounds.YMin && samples[2 * i + 1] <= grid.Bounds.YMax);
        Assert.True(inside >= 196, $"{inside} of 200 samples inside the default window");
        Assert.InRange(Mass(grid), 0.95, 1.03);
    }

    [Fact]
    public async Task Per_layer_grids_come_prefix_by_prefix_the_base_first_the_model_last()
    {
        // Wide enough for every prefix's mass; 55 x 55 cells fit the lowered cell cap.
        var bounds = new Bounds { XMin = -5, XMax = 5, YMin = -5, YMax = 5 };
        var grids = await Rpcs.ReadAll(served.Models.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 55, Bounds = bounds, PerLayer = true }));
        var info = (await served.Models.GetModelAsync(new GetModelRequest { Model = Moons })).Model;
        int layers = info.Layers.Count;
        Assert.Equal(layers + 1, grids.Count);
        Assert.Equal(Enumerable.Range(0, layers + 1), grids.Select(g => g.LayerPrefix));
        Assert.All(grids, g => Assert.Equal(layers, g.LayerCount));
        Assert.All(grids, g => Assert.Equal(bounds, g.Grid.Bounds));

        // Prefix 0 is the standard normal base.
        var basis = grids[0].Grid;
        var values = WireTensors.Values(basis.LogDensity);
        for (int row = 0; row < basis.Rows; row++)
            for (int column = 0; column < basis.Columns; column++)
            {
                double x = XCentre(basis, column), y = YCentre(basis, row);
                Assert.Equal(-0.5 * (x * x + y * y) - Math.Log(2 * Math.PI), values[row * basis.Columns + column], 1e-4);
            }

        // Every prefix is a density.
        foreach (var g in grids)
        {
            double mass = Mass(g.Grid);
            output.WriteLine($"prefix {g.LayerPrefix}: mass {mass:F4}");
            Assert.InRange(mass, 0.97, 1.03);
        }

        // The last prefix is the model's own grid.
        var whole = Assert.Single(await Rpcs.ReadAll(served.Models.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 55, Bounds = bounds })));
        Assert.Equal(layers, whole.LayerPrefix);
        Assert.Equal(WireTensors.Values(whole.Grid.LogDensity), WireTensors.Values(grids[^1].Grid.LogDensity));
    }

    [Fact]
    public async Task Cells_whose_density_underflows_carry_the_most_negative_float_never_infinity()
    {
        var bounds = new Bounds { XMin = 1e20, XMax = 2e20, YMin = 1e20, YMax = 2e20 };
        var grids = await Rpcs.ReadAll(served.Models.DensityGrid(new DensityGridRequest { Model = Moons, Columns = 4, Bounds = bounds, PerLayer = true }));
        foreach (var grid in grids)
            Assert.All(WireTensors.Values(grid.Grid.LogDensity), v => Assert.Equal(float.MinValue, v));
    }

    [Fact]
    public async Task An_iresnet_model_has_a_density_grid_too()
    {
        var bounds = new Bounds { XMin = -5, XMax = 5, YMin = -5, YMax = 5 };
        var grid = Assert.Single(await Rpcs.ReadAll(served.Models.DensityGrid(new DensityGridRequest { Model = IResNet, Columns = 50, Bounds = bounds }))).Grid;
        Assert.InRange(Mass(grid), 0.95, 1.05);
    }
}
