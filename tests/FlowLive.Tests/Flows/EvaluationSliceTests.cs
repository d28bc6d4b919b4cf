using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Tests.Support;
using static TorchSharp.torch;

namespace FlowLive.Tests.Flows;

/// <summary>
/// Batches bigger than <see cref="Flow.EvaluationSliceRows"/> are evaluated in slices when no gradient is recorded and
/// the flow is in evaluation mode: the values must be those of one whole pass, and nothing may leak.
/// </summary>
public sealed class EvaluationSliceTests
{
    static Flow TrainedLikeFlow()
    {
        var flow = SeedArchitectures.KerasRealNvp(couplings: 4, depth: 2).Build().To(CPU, ScalarType.Float64);
        // Non-zero last layers, so every coupling moves the points (built flows start as the identity).
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(5);
        foreach (var p in flow.Parameters()) p.copy_(randn(p.shape, dtype: float64, generator: generator) * 0.3);
        return flow;
    }

    // Two full slices and a short one.
    static Tensor Points(Flow flow) => randn([2 * flow.EvaluationSliceRows + 123, 2], dtype: float64, generator: new Generator(9));

    [Fact]
    public void Sliced_log_prob_equals_one_whole_pass()
    {
        using var flow = TrainedLikeFlow();
        using var scope = NewDisposeScope();
        var x = Points(flow);
        using var _ = no_grad();
        var whole = flow.LogProb(x); // training mode: one pass
        flow.Train(false);
        Numeric.AssertClose(whole, flow.LogProb(x), 1e-12, "log p(x) in slices vs whole");
    }

    [Fact]
    public void Sliced_trace_and_decode_equal_one_whole_pass()
    {
        using var flow = TrainedLikeFlow();
        using var scope = NewDisposeScope();
        var z = Points(flow);
        var whole = flow.Trace(z); // training mode: one pass
        var decoded = flow.DecodeWithoutLogDet(z);
        flow.Train(false);
        var sliced = flow.Trace(z);
        Assert.Equal(whole.Count, sliced.Count);
        for (int k = 0; k < whole.Count; k++)
            Numeric.AssertClose(whole[k], sliced[k], 1e-12, $"state {k}");
        Numeric.AssertClose(decoded, flow.DecodeWithoutLogDet(z), 1e-12, "decode in slices vs whole");
        Numeric.AssertClose(whole[^1], decoded, 1e-12, "the last state is the decoded point");
    }

    [Fact]
    public void Slicing_leaves_no_tensor_behind()
    {
        using var flow = TrainedLikeFlow();
        flow.Train(false);
        using var z = Points(flow);
        LiveTensors.AssertNoLeak(() =>
        {
            using var _ = no_grad();
            flow.LogProb(z).Dispose();
            foreach (var state in flow.Trace(z)) state.Dispose();
            flow.DecodeWithoutLogDet(z).Dispose();
        }, "sliced LogProb, Trace and DecodeWithoutLogDet");
    }

    [Fact]
    public void Slices_hold_the_value_budget_of_the_widest_activation()
    {
        using var wide = SeedArchitectures.KerasRealNvp(couplings: 2, depth: 2).Build(); // 256-wide nets
        Assert.Equal(Flow.EvaluationSliceValues / 256, wide.EvaluationSliceRows);
        using var narrow = SeedArchitectures.RadboudMoons().Build(); // 16-wide nets
        Assert.Equal(Flow.EvaluationSliceValues / 16, narrow.EvaluationSliceRows);
    }

    [Fact]
    public void A_slice_holds_at_least_one_row()
    {
        using var x = zeros(3, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => RowSlices.Map(x, 0, t => t));
    }
}
