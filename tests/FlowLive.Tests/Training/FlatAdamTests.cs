using FlowLive.Flows;
using FlowLive.Flows.Architectures;
using FlowLive.Tests.Support;
using FlowLive.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Training;

/// <summary>
/// FlatAdam is torch.optim.Adam to the last bit (so swapping it in changed no trained result), over re-pointed
/// parameters that stay the model's own: loading weights into the model moves what it steps, its state round-trips,
/// and nothing is left alive once model and optimizer are gone.
/// </summary>
public sealed class FlatAdamTests
{
    static Flow Build(string kind, ScalarType dtype)
    {
        var spec = kind switch
        {
            "keras" => SeedArchitectures.KerasRealNvp(couplings: 2, depth: 2),
            "glow" => Catalog.Get("glow").Create(Shape.Image(1, 8, 8), new ArchitectureOptions { Steps = 2, Levels = 1, Net = new() { Hidden = 8 } }),
            _ => SeedArchitectures.RadboudMoons(),
        };
        var flow = spec.Build().To(CPU, dtype);
        using var generator = new Generator(3);
        WeightInitialisation.Apply(flow.Module, generator);
        flow.Train(true);
        return flow;
    }

    static Tensor Data(Flow flow, int rows, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        // Images are pixels in [0, 1] (Glow's logit layer refuses anything else); 2-D data is Gaussian.
        var shape = flow.DataShape.WithBatch(rows);
        return (flow.DataShape.IsImage ? rand(shape, generator: generator) : randn(shape, generator: generator)).to(dtype).MoveToOuterDisposeScope();
    }

    static void CopyWeights(Flow from, Flow to)
    {
        using var _ = no_grad();
        foreach (var (a, b) in from.Parameters().Zip(to.Parameters())) b.copy_(a);
    }

    static void AssertSameWeights(Flow expected, Flow actual)
    {
        foreach (var ((name, a), (_, b)) in expected.Module.named_parameters().Zip(actual.Module.named_parameters()))
        {
            using var difference = (a - b).abs().max();
            Assert.True(difference.to(float64).item<double>() == 0, $"{name} differs by {difference.to(float64).item<double>():G3}");
        }
    }

    static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a - b).abs().max().to(float64).item<double>() == 0;
    }

    static double Loss(Flow flow, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (-flow.LogProb(x).mean()).to(float64).item<double>();
    }

    [Theory]
    [InlineData("radboud", ScalarType.Float32)]
    [InlineData("keras", ScalarType.Float32)]
    [InlineData("glow", ScalarType.Float32)]
    [InlineData("radboud", ScalarType.Float64)]
    public void Steps_give_torch_adams_weights_exactly(string kind, ScalarType dtype)
    {
        using var reference = Build(kind, dtype);
        using var flat = Build(kind, dtype);
        CopyWeights(reference, flat);
        using var x = Data(flat, 64, dtype);
        using var adam = optim.Adam(reference.Parameters(), 1e-3);
        using var flatAdam = new FlatAdam(flat.Parameters());
        for (int step = 0; step < 12; step++)
        {
            double rate = 1e-3 * (1 + step % 3);   // a schedule: the rate changes every step
            using var scope = NewDisposeScope();
            adam.zero_grad();
            (-reference.LogProb(x).mean()).backward();
            foreach (var group in adam.ParamGroups) group.LearningRate = rate;
            adam.step();
            flatAdam.ZeroGrad();
            (-flat.LogProb(x).mean()).backward();
            flatAdam.Step(rate);
        }
        Assert.Equal(12, flatAdam.Steps);
        AssertSameWeights(reference, flat);
        using var untrained = Build(kind, dtype);
        Assert.True(Loss(flat, x) < Loss(untrained, x), "the steps lowered the loss");
    }

    [Fact]
    public void Weights_loaded_into_the_model_are_the_ones_it_steps_and_its_state_round_trips()
    {
        using var flow = Build("radboud", ScalarType.Float32);
        using var x = Data(flow, 128, ScalarType.Float32);
        using var optimizer = new FlatAdam(flow.Parameters());
        void Steps(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                (-flow.LogProb(x).mean()).backward();
                optimizer.Step(2e-3);
            }
        }
        Steps(5);
        using var weights = new MemoryStream();
        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true)) flow.Module.save(writer);
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        Steps(5);
        using var uninterrupted = Build("radboud", ScalarType.Float32);
        CopyWeights(flow, uninterrupted);

        // Back to step 5 through the module's own loader (in place, as TrainingLoop restores), then the same 5 steps.
        weights.Position = 0;
        state.Position = 0;
        using (var reader = new BinaryReader(weights)) flow.Module.load(reader, strict: true);
        using (var reader = new BinaryReader(state)) optimizer.Load(reader);
        Assert.Equal(5, optimizer.Steps);
        Steps(5);
        AssertSameWeights(uninterrupted, flow);
    }

    [Fact]
    public void State_for_another_model_is_refused()
    {
        using var small = Build("radboud", ScalarType.Float32);
        using var other = Build("keras", ScalarType.Float32);
        using var optimizer = new FlatAdam(small.Parameters());
        using var otherOptimizer = new FlatAdam(other.Parameters());
        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) otherOptimizer.Save(writer);
        state.Position = 0;
        using var reader = new BinaryReader(state);
        Assert.Throws<InvalidDataException>(() => optimizer.Load(reader));
        Assert.Throws<InvalidDataException>(() => optimizer.Load(new BinaryReader(new MemoryStream([1, 2, 3, 4, 5]))));
    }

    [Fact]
    public void Frozen_parameters_are_left_alone()
    {
        using var flow = Build("radboud", ScalarType.Float32);
        var frozen = flow.Parameters().First();
        var trained = flow.Parameters().Last();
        frozen.requires_grad_(false);
        using var before = frozen.detach().clone();
        using var trainedBefore = trained.detach().clone();
        using var x = Data(flow, 64, ScalarType.Float32);
        using var optimizer = new FlatAdam(flow.Parameters());
        using (var scope = NewDisposeScope())
        {
            optimizer.ZeroGrad();
            (-flow.LogProb(x).mean()).backward();
            optimizer.Step(1e-2);
        }
        Assert.True(Same(frozen, before), "a frozen parameter moved");
        Assert.False(Same(trained, trainedBefore), "a trained parameter did not move");
    }

    [Fact]
    public void Nothing_stays_alive_once_model_and_optimizer_are_disposed()
    {
        LiveTensors.AssertNoLeak(() =>
        {
            using var flow = Build("keras", ScalarType.Float32);
            using var x = Data(flow, 32, ScalarType.Float32);
            using var optimizer = new FlatAdam(flow.Parameters());
            for (int i = 0; i < 3; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                (-flow.LogProb(x).mean()).backward();
                optimizer.Step(1e-3);
            }
        }, "training with FlatAdam");
    }
}
