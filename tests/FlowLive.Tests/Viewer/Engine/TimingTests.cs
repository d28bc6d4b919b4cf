extern alias viewer;
using viewer::FlowLive.Viewer.Engine;

namespace FlowLive.Tests.Viewer.Engine;

public sealed class TimingTests
{
    [Fact]
    public void Fixed_steps_add_up_to_the_elapsed_time_and_alpha_is_the_remainder()
    {
        var timestep = new FixedTimestep(0.01);
        var (steps, alpha) = timestep.Advance(0.035);
        Assert.Equal(3, steps);
        Assert.Equal(0.5, alpha, 6);
        (steps, alpha) = timestep.Advance(0.007);
        Assert.Equal(1, steps);
        Assert.Equal(0.2, alpha, 6);
    }

    [Fact]
    public void A_long_stall_runs_at_most_the_cap_and_drops_the_backlog()
    {
        var timestep = new FixedTimestep(0.01, maxStepsPerFrame: 5);
        Assert.Equal(5, timestep.Advance(3.0).Steps);
        Assert.Equal(0, timestep.Advance(0.0).Steps);
        Assert.Equal(0, timestep.Advance(-1).Steps);
    }

    [Fact]
    public void The_animation_runs_to_the_data_rests_and_comes_back()
    {
        var animation = new LayerAnimation(4) { Speed = 2, HoldSeconds = 0.5 };
        animation.Reset(4);
        for (int i = 0; i < 50; i++) animation.Step(0.01); // the hold at the base
        Assert.Equal(0, animation.Position);
        for (int i = 0; i < 200; i++) animation.Step(0.01);
        Assert.Equal(4, animation.Position);
        Assert.Equal(-1, animation.Direction);
        for (int i = 0; i < 100; i++) animation.Step(0.01);
        Assert.True(animation.Position < 4 && animation.Position > 2, $"on its way back, at {animation.Position}");
    }

    [Fact]
    public void Drawing_interpolates_between_the_last_two_steps()
    {
        var animation = new LayerAnimation(8) { Speed = 1, HoldSeconds = 0 };
        animation.Reset(8);
        animation.Step(0.5);
        animation.Step(0.5);
        Assert.Equal(0.75, animation.At(0.5), 9);
    }

    [Fact]
    public void Stepping_a_layer_lands_on_layer_boundaries_and_pauses()
    {
        var animation = new LayerAnimation(5) { HoldSeconds = 0 };
        animation.Reset(5);
        animation.Step(0.3);
        animation.StepLayer(+1);
        Assert.False(animation.Playing);
        Assert.Equal(1, animation.Position);
        animation.StepLayer(+1);
        Assert.Equal(2, animation.Position);
        animation.StepLayer(-1);
        Assert.Equal(1, animation.Position);
        animation.Scrub(99);
        Assert.Equal(5, animation.Position);
    }

    [Theory]
    [InlineData(0.0, 0, 0.0)]
    [InlineData(2.5, 2, 0.5)]
    [InlineData(8.0, 7, 1.0)]
    [InlineData(1.25, 1, 0.15625)]
    public void Segments_ease_in_and_out_of_each_layer(double position, int from, double t)
    {
        var (f, eased) = LayerAnimation.Segment(position, 8);
        Assert.Equal(from, f);
        Assert.Equal(t, eased, 9);
    }

    [Fact]
    public async Task Posted_work_runs_on_drain_in_order()
    {
        var queue = new MessageQueue();
        var seen = new List<(int Producer, int Index)>();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                int index = i;
                queue.Post(() => seen.Add((p, index)));
            }
        })).ToArray();
        await Task.WhenAll(producers);
        Assert.Empty(seen);
        Assert.Equal(10, queue.Drain(limit: 10));
        Assert.Equal(390, queue.Drain());
        Assert.Equal(400, seen.Count);
        Assert.Equal(100, seen.Count(s => s.Producer == 3));
        // Producers interleave, but each one's work runs in the order it was posted.
        foreach (var producer in seen.GroupBy(s => s.Producer))
            Assert.Equal(Enumerable.Range(0, 100), producer.Select(s => s.Index));
    }

    [Fact]
    public void Work_posted_under_a_token_cancelled_before_the_drain_is_dropped()
    {
        var queue = new MessageQueue();
        using var left = new CancellationTokenSource();
        using var live = new CancellationTokenSource();
        var seen = new List<string>();
        queue.Post(() => seen.Add("old scene"), left.Token);
        queue.Post(() => seen.Add("current scene"), live.Token);
        queue.Post(() => seen.Add("untokened"));
        left.Cancel(); // the scene was left after its stream had posted
        Assert.Equal(3, queue.Drain());
        Assert.Equal(["current scene", "untokened"], seen);
    }
}
