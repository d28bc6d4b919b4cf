using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Training;
using static TorchSharp.torch;

namespace FlowLive.Cli.Bench.Compute;

/// <summary>
/// The workloads of the performance issue, on the seed exercises' models: the Radboud moons flow (4 split-half
/// couplings, MLP 2x16), the Keras-notes flow as the issue sizes it (8 masked couplings, separate shift and tanh
/// log-scale MLPs 2x256) and the Rosenbaum digits flow (4 couplings of 5-layer MLPs of width 512 on 784-D), plus
/// the sgemm calibration row. Names match the PyTorch script's, which builds the same models.
/// </summary>
public static class ComputeWorkloads
{
    public const string Calibration = "sgemm-2048";

    public static readonly IReadOnlyList<ComputeWorkload> All =
    [
        new(Calibration, "2048 x 2048 float32 matrix product: this machine's sgemm rate through libtorch", size => Sgemm(Pick(size, 2048, 128))),
        Train("radboud-4x16", 128, 16, Radboud), Train("radboud-4x16", 4096, 64, Radboud),
        Train("keras-8x256", 128, 16, Keras), Train("keras-8x256", 4096, 64, Keras),
        Train("rosenbaum-784", 128, 8, Rosenbaum),
        Trace("keras-8x256", Keras), Grid("keras-8x256", Keras),
        Trace("radboud-4x16", Radboud), Grid("radboud-4x16", Radboud),
    ];

    public static ComputeWorkload? Find(string name) => All.FirstOrDefault(w => w.Name == name);

    static FlowSpec Radboud() => SeedArchitectures.RadboudMoons();
    static FlowSpec Keras() => SeedArchitectures.KerasRealNvp(couplings: 8, depth: 2);
    static FlowSpec Rosenbaum() => SeedArchitectures.RosenbaumDigits();

    static int Pick(WorkloadSize size, int full, int tiny) => size == WorkloadSize.Full ? full : tiny;

    static ComputeWorkload Train(string model, int batch, int tinyBatch, Func<FlowSpec> spec) =>
        new($"train-{model}-b{batch}", $"training step (log-prob, backward, Adam) of {model} at batch {batch:N0}", size =>
        {
            var flow = Build(spec);
            int n = Pick(size, batch, tinyBatch);
            var data = Draw(n, flow.DataShape[0]);
            // The optimizer `flowlive train` uses (FlatAdam: torch.optim.Adam's arithmetic over one buffer).
            var optimizer = new FlatAdam(flow.Parameters());
            flow.Train(true);
            return new PreparedWorkload(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                (-flow.LogProb(data).mean()).backward();
                optimizer.Step(1e-3);
            }, flow.WeightCount, FlopCount.TrainingStepPasses * FlopCount.LinearPerRow(flow.Module) * n, ThreadCount.LargestProduct(flow.Module, n), flow, optimizer, data);
        });

    static ComputeWorkload Trace(string model, Func<FlowSpec> spec) =>
        new($"trace-{model}-100k", $"Trace of 100,000 base points through every layer of {model}, every state kept", size =>
        {
            var flow = Build(spec);
            int n = Pick(size, 100_000, 1000);
            var z = Draw(n, flow.LatentShape[0]);
            flow.Train(false);
            return new PreparedWorkload(() =>
            {
                using var _ = no_grad();
                foreach (var state in flow.Trace(z)) state.Dispose();
            }, flow.WeightCount, FlopCount.LinearPerRow(flow.Module) * n, ThreadCount.LargestProduct(flow.Module, SliceRows(flow, n)), flow, z);
        });

    static ComputeWorkload Grid(string model, Func<FlowSpec> spec) =>
        new($"grid-{model}-512", $"log-density of a 512 x 512 grid on [-4, 4]^2 under {model}", size =>
        {
            var flow = Build(spec);
            int side = Pick(size, 512, 32);
            var points = GridPoints(side);
            flow.Train(false);
            return new PreparedWorkload(() =>
            {
                using var _ = no_grad();
                flow.LogProb(points).Dispose();
            }, flow.WeightCount, FlopCount.LinearPerRow(flow.Module) * side * side, ThreadCount.LargestProduct(flow.Module, SliceRows(flow, (long)side * side)), flow, points);
        });

    /// <summary>Rows of one product when <paramref name="rows"/> are evaluated without gradients: the flow works in slices of that many.</summary>
    static long SliceRows(Flow flow, long rows) => Math.Min(rows, flow.EvaluationSliceRows);

    static PreparedWorkload Sgemm(int n)
    {
        var a = Draw(n, n);
        var b = Draw(n, n);
        return new PreparedWorkload(() => a.mm(b).Dispose(), 0, 2.0 * n * n * n, (long)n * n * n, a, b);
    }

    // As built: libtorch's default initialisation with each coupling net's last layer at zero, as the PyTorch script does.
    static Flow Build(Func<FlowSpec> spec) => spec().Build();

    static Tensor Draw(long rows, long columns)
    {
        using var generator = new Generator(7);
        return randn([rows, columns], generator: generator);
    }

    /// <summary>The grid's points, row-major from (-4, -4), x fastest (the PyTorch script's meshgrid order).</summary>
    static Tensor GridPoints(int side)
    {
        using var scope = NewDisposeScope();
        var axis = linspace(-4, 4, side);
        var y = axis.repeat_interleave(side);
        var x = axis.repeat(side);
        return stack([x, y], 1).MoveToOuterDisposeScope();
    }
}
