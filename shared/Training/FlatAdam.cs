using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Adam as torch.optim.Adam computes it (the same operations in the same order on every element), over one contiguous
/// buffer per dtype and device: each parameter is re-pointed at a slice of the weights buffer and its gradient at a
/// slice of a gradients buffer, so a step is nine tensor operations however many weight tensors the model has, and
/// zeroing the gradients is one. TorchSharp's Adam makes about ten native calls per weight tensor, which for a coupling
/// flow of many small layers costs more than their arithmetic (docs/performance.md). Autograd accumulates into a
/// gradient that already exists in place, so backward fills the buffer directly. Build it once the model is on its
/// device and dtype: moving a module replaces its parameters, and the optimizer would go on stepping the old ones.
/// A parameter whose gradient is never computed still decays its moments here (torch's Adam skips it).
/// </summary>
public sealed class FlatAdam : IDisposable
{
    const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    const int StateFormat = 1;

    readonly List<Group> groups = [];

    /// <summary>The Adam step count (bias corrections use it); saved with the state.</summary>
    public long Steps { get; private set; }

    public FlatAdam(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        // A parameter listed twice (a module shared by two parents) gets one slice.
        foreach (var members in parameters.Where(p => p.requires_grad).DistinctBy(p => p.Handle).GroupBy(p => (p.dtype, p.device.type, p.device.index)))
            groups.Add(new Group(members.ToList()));
    }

    /// <summary>Every gradient to zero (they stay allocated: backward adds into them).</summary>
    public void ZeroGrad()
    {
        foreach (var group in groups) group.Gradients.zero_();
    }

    /// <summary>One Adam step at <paramref name="learningRate"/> with the gradients as they are.</summary>
    public void Step(double learningRate)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, Steps), biasCorrection2 = 1 - Math.Pow(Beta2, Steps);
        foreach (var group in groups)
        {
            var gradient = group.Gradients;
            group.Mean.mul_(Beta1).add_(gradient, alpha: 1 - Beta1);
            group.Square.mul_(Beta2).addcmul_(gradient, gradient.conj(), value: 1 - Beta2);
            var denominator = (group.Square.sqrt() / Math.Sqrt(biasCorrection2)).add_(Epsilon);
            group.Weights.addcdiv_(group.Mean, denominator, value: -(learningRate / biasCorrection1));
        }
    }

    /// <summary>The step count and both moment buffers (the weights are saved with the model).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(StateFormat);
        writer.Write(Steps);
        writer.Write(groups.Count);
        foreach (var group in groups)
        {
            writer.Write(group.Mean.numel());
            WriteValues(writer, group.Mean);
            WriteValues(writer, group.Square);
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote, refusing state written for another set of parameters.</summary>
    public void Load(BinaryReader reader)
    {
        if (reader.ReadInt32() != StateFormat) throw new InvalidDataException("the optimizer state was written by another version of FlowLive");
        long steps = reader.ReadInt64();
        if (steps < 0) throw new InvalidDataException($"the optimizer state counts {steps} steps");
        if (reader.ReadInt32() != groups.Count) throw new InvalidDataException("the optimizer state is for another model");
        foreach (var group in groups)
        {
            if (reader.ReadInt64() != group.Mean.numel()) throw new InvalidDataException("the optimizer state is for another model");
            ReadValues(reader, group.Mean);
            ReadValues(reader, group.Square);
        }
        Steps = steps;
    }

    static void WriteValues(BinaryWriter writer, Tensor values)
    {
        using var cpu = values.cpu();
        writer.Write(cpu.bytes);
    }

    static void ReadValues(BinaryReader reader, Tensor values)
    {
        using var _ = no_grad();
        long bytes = values.numel() * values.ElementSize;
        var data = reader.ReadBytes(checked((int)bytes));
        if (data.Length != bytes) throw new InvalidDataException("the optimizer state ends early");
        using var cpu = values.cpu().clone();
        cpu.bytes = data;
        values.copy_(cpu);
    }

    public void Dispose()
    {
        foreach (var group in groups) group.Dispose();
        groups.Clear();
    }

    /// <summary>The parameters of one dtype and device, their buffers, and Adam's two moments.</summary>
    sealed class Group : IDisposable
    {
        public Tensor Weights { get; }
        public Tensor Gradients { get; }
        public Tensor Mean { get; }
        public Tensor Square { get; }

        public Group(IReadOnlyList<Parameter> members)
        {
            var first = members[0];
            long total = members.Sum(p => p.numel());
            Weights = empty(total, dtype: first.dtype, device: first.device);
            Gradients = zeros(total, dtype: first.dtype, device: first.device);
            Mean = zeros(total, dtype: first.dtype, device: first.device);
            Square = zeros(total, dtype: first.dtype, device: first.device);
            long offset = 0;
            foreach (var p in members)
            {
                long n = p.numel();
                using (var slice = Weights.narrow(0, offset, n))
                using (var weights = slice.view(p.shape))
                {
                    weights.copy_(p);
                    p.set_(weights);
                }
                using (var slice = Gradients.narrow(0, offset, n))
                using (var gradient = slice.view(p.shape))
                    p.grad = gradient;
                offset += n;
            }
        }

        public void Dispose()
        {
            Weights.Dispose();
            Gradients.Dispose();
            Mean.Dispose();
            Square.Dispose();
        }
    }
}
