extern alias viewer;
using FlowLive.Protos.V1;
using viewer::FlowLive.Viewer.Client;

namespace FlowLive.Tests.Viewer.Client;

public sealed class FlowTraceTests
{
    /// <summary>A 1-layer trace of 3 points: base (i, 10 i), layer 1 (100 i, 1000 i), log-dets and log-densities -i.</summary>
    private static FlowTrace Received(bool complete = true)
    {
        var trace = new FlowTrace("m", 3, 1, ["base", "affine"], 7, withLogDet: true);
        for (int k = 0; k <= 1; k++)
        {
            float scale = k == 0 ? 1 : 100;
            var message = new TraceResponse
            {
                Offset = 0, LayerIndex = k, LayerCount = 1, Total = 3, Seed = 7,
                State = WireTensors.Of([0, 0, scale, 10 * scale, 2 * scale, 20 * scale], 3, 2),
                LogDet = WireTensors.Of([0, -1 - k, -2 - k], 3),
                LogProb = WireTensors.Of([10 + k, 11 + k, 12 + k], 3),
            };
            if (complete || k == 0) trace.Add(message);
        }
        return trace;
    }

    [Fact]
    public void Reordering_moves_every_state_colour_log_det_and_log_density_of_a_point_together()
    {
        var trace = Received();
        var ordered = trace.Reordered([2, 0, 1]);
        Assert.True(ordered.Complete);
        Assert.Equal((trace.Model, trace.Total, trace.LayerCount, trace.Seed), (ordered.Model, ordered.Total, ordered.LayerCount, ordered.Seed));
        Assert.Equal([2f, 0, 1], ordered.States[0].X);
        Assert.Equal([20f, 0, 10], ordered.States[0].Y);
        Assert.Equal([200f, 0, 100], ordered.States[1].X);
        Assert.Equal([2000f, 0, 1000], ordered.States[1].Y);
        Assert.Equal([trace.Colours[2], trace.Colours[0], trace.Colours[1]], ordered.Colours);
        Assert.Equal([-3f, 0, -2], ordered.LogDet![1]);
        Assert.Equal([13f, 11, 12], ordered.LogProb![1]);
        Assert.Equal([0f, 1, 2], trace.States[0].X); // the original is left as it was
    }

    [Fact]
    public void Only_a_complete_trace_with_an_order_of_its_size_is_reordered()
    {
        Assert.Throws<InvalidOperationException>(() => Received(complete: false).Reordered([0, 1, 2]));
        Assert.Throws<ArgumentException>(() => Received().Reordered([0, 1]));
    }
}
