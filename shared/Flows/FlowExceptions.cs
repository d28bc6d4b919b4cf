namespace FlowLive.Flows;

/// <summary>Thrown when a flow is built from parts whose shapes do not fit, or fed a tensor of the wrong shape.</summary>
public sealed class FlowShapeException(string message) : Exception(message)
{
    public static FlowShapeException Mismatch(string where, Shape expected, Shape actual) =>
        new($"{where}: expected shape {expected}, got {actual}");
}

/// <summary>Thrown by layers that have no inverse in closed form (planar and radial flows).</summary>
public sealed class InverseNotAvailableException(string layer)
    : Exception($"{layer} has no closed-form inverse: it can sample and fit by reverse KL, but cannot encode or evaluate densities of data");
