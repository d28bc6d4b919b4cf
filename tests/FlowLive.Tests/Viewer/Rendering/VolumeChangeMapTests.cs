extern alias viewer;
using FlowLive.Protos.V1;
using viewer::FlowLive.Viewer.Client;
using viewer::FlowLive.Viewer.Rendering;
using WireTensors = FlowLive.Tests.Server.WireTensors;

namespace FlowLive.Tests.Viewer.Rendering;

public sealed class VolumeChangeMapTests
{
    const int Cells = 40;
    static readonly (float, float, float, float) Window = (-4f, 4f, -4f, 4f);

    /// <summary>A one-layer trace of the lattice: the layer moves each point by <paramref name="move"/> with log-det <paramref name="logDet"/>(base x, y).</summary>
    static FlowTrace OneLayer(Func<float, float, (float X, float Y)> move, Func<float, float, float> logDet)
    {
        var lattice = VolumeChangeMap.Lattice();
        int n = lattice.Length / 2;
        var moved = new float[lattice.Length];
        var logDets = new float[n];
        for (int i = 0; i < n; i++)
        {
            (moved[2 * i], moved[2 * i + 1]) = move(lattice[2 * i], lattice[2 * i + 1]);
            logDets[i] = logDet(lattice[2 * i], lattice[2 * i + 1]);
        }
        var trace = new FlowTrace("test", n, 1, ["base", "test"], 0, withLogDet: true);
        trace.Add(new TraceResponse { LayerIndex = 0, LayerCount = 1, Total = n, State = WireTensors.Of(lattice, n, 2) });
        trace.Add(new TraceResponse { LayerIndex = 1, LayerCount = 1, Total = n, State = WireTensors.Of(moved, n, 2), LogDet = WireTensors.Of(logDets, n) });
        return trace;
    }

    static (int Column, int Row) CellOf(float x, float y) => ((int)((x + 4) / 8 * Cells), (int)((4 - y) / 8 * Cells));

    [Fact]
    public void Cells_are_red_where_the_layer_stretches_blue_where_it_squeezes_and_empty_outside_the_lattice()
    {
        var map = new VolumeChangeMap(OneLayer((x, y) => (x, y), (x, _) => x > 0 ? 1f : -1f), Cells, Cells, Window);
        var image = map.Between(0, 0);
        Assert.Equal(1f, map.Scale, 1e-6f);
        var (rightColumn, middleRow) = CellOf(2, 0);
        var (leftColumn, _) = CellOf(-2, 0);
        Assert.Equal(1f, map.MeanAt(rightColumn, middleRow), 1e-6f);
        Assert.Equal(-1f, map.MeanAt(leftColumn, middleRow), 1e-6f);
        var red = image[rightColumn, middleRow];
        var blue = image[leftColumn, middleRow];
        Assert.True(red.R > 200 && red.B < 80, $"stretching is red, got {red}");
        Assert.True(blue.B > 200 && blue.R < 80, $"squeezing is blue, got {blue}");
        // The lattice reaches 3.5: the outermost cells of the 4-wide window stay transparent.
        Assert.True(float.IsNaN(map.MeanAt(0, 0)));
        Assert.Equal(0, image[0, 0].A);
    }

    [Fact]
    public void The_map_moves_with_the_points_from_the_layers_inputs_to_its_outputs()
    {
        // The layer shifts every point right by 1; its log-det is the point's base x: a ramp that travels with it.
        var map = new VolumeChangeMap(OneLayer((x, y) => (x + 1, y), (x, _) => x / 4), Cells, Cells, Window);
        foreach (float t in new[] { 0f, 0.5f, 1f })
        {
            map.Between(0, t);
            foreach (float x in new[] { -1.5f, 0.05f, 1.5f })
            {
                var (column, row) = CellOf(x, 0.3f);
                float cellCentre = -4 + 8 * (column + 0.5f) / Cells;
                // The points now in this cell started t to the left of it.
                Assert.Equal((cellCentre - t) / 4, map.MeanAt(column, row), 0.02f);
            }
        }
    }

    [Fact]
    public void A_cell_emptied_by_a_stretch_inside_the_mass_takes_its_neighbours_mean()
    {
        // Spread the lattice so far apart that single cells between points stay empty: they are filled from their
        // neighbours, so the map has no holes inside the lattice.
        // A ramp in x, so a filled hole must carry its neighbours' values, not any value.
        var map = new VolumeChangeMap(OneLayer((x, y) => (x * 1.1f, y * 1.1f), (x, _) => x / 4), 400, 400, Window);
        map.Between(0, 1);
        int empty = 0;
        for (int row = 120; row < 280; row++)
            for (int column = 120; column < 280; column++)
            {
                float mean = map.MeanAt(column, row);
                if (float.IsNaN(mean)) empty++;
                float x = (-4 + 8 * (column + 0.5f) / 400) / 1.1f; // the base x of points landing in this cell
                Assert.Equal(x / 4, mean, 0.01f);
            }
        Assert.Equal(0, empty);
    }

    [Fact]
    public void A_trace_without_log_dets_is_refused()
    {
        var trace = new FlowTrace("test", 1, 1, ["base", "test"], 0, withLogDet: false);
        var e = Assert.Throws<ArgumentException>(() => new VolumeChangeMap(trace, Cells, Cells, Window));
        Assert.Contains("log-dets", e.Message);
    }
}
