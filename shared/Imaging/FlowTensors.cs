using FlowLive.Flows;
using static TorchSharp.torch;

namespace FlowLive.Imaging;

/// <summary>The few tensor chores between a flow and plain arrays (for drawing, and for the wire in the server).</summary>
public static class FlowTensors
{
    /// <summary>The dtype and device of the flow's weights (its first parameter or buffer): where inputs must go.</summary>
    public static (ScalarType Dtype, Device Device) DtypeAndDevice(Flow flow)
    {
        foreach (var p in flow.Module.parameters()) return (p.dtype, p.device);
        foreach (var b in flow.Module.buffers()) return (b.dtype, b.device);
        return (ScalarType.Float32, CPU);
    }

    /// <summary>A tensor of <paramref name="shape"/> holding <paramref name="values"/>, in the flow's dtype and on its device.</summary>
    public static Tensor For(Flow flow, float[] values, long[] shape)
    {
        var (dtype, device) = DtypeAndDevice(flow);
        using var scope = NewDisposeScope();
        return tensor(values, shape).to(dtype, device).MoveToOuterDisposeScope();
    }

    /// <summary>The values of <paramref name="t"/> as float32 on the CPU, flattened row-major.</summary>
    public static float[] Floats(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to(float32).cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Copies the values of <paramref name="t"/> (flattened, as float32) into <paramref name="target"/>.</summary>
    public static void CopyFloats(Tensor t, Span<float> target)
    {
        var values = Floats(t);
        if (values.Length != target.Length)
            throw new InvalidOperationException($"expected {target.Length} values, the tensor has {values.Length}");
        values.CopyTo(target);
    }
}
