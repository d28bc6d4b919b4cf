using static TorchSharp.torch;

namespace FlowLive.Training;

/// <summary>
/// Unnormalised 2-D target densities p(z) proportional to exp(-U(z)) for fitting flows by reverse KL: the four
/// potentials of Rezende and Mohamed 2015 (table 1, figure 3), and a Gaussian whose normaliser is known, so a fit can
/// be checked exactly. <see cref="LogDensity"/> returns -U(z) for z of shape [batch, 2] (its temporaries are freed
/// with its own dispose scope).
/// </summary>
public static class EnergyTargets
{
    public static readonly IReadOnlyList<string> Names = ["u1", "u2", "u3", "u4", "gaussian"];

    /// <summary>log Z of the target where it is known in closed form (the Gaussian), else null.</summary>
    public static double? LogNormaliser(string name) => name == "gaussian" ? Math.Log(2 * Math.PI * GaussianStd * GaussianStd) : null;

    /// <summary>The Gaussian target: mean (1, -1), standard deviation 0.5 in both coordinates.</summary>
    public const double GaussianStd = 0.5;

    public static Tensor LogDensity(string name, Tensor z)
    {
        if (z.ndim != 2 || z.shape[1] != 2) throw new ArgumentException($"energy targets are 2-D: expected [batch, 2], got [{string.Join(", ", z.shape)}]");
        using var scope = NewDisposeScope();
        var z1 = z[.., 0];
        var z2 = z[.., 1];
        var w1 = (2 * Math.PI * z1 / 4).sin();
        var logDensity = name switch
        {
            "u1" => -(0.5 * ((z.pow(2).sum(1).sqrt() - 2) / 0.4).pow(2))
                    + stack([-0.5 * ((z1 - 2) / 0.6).pow(2), -0.5 * ((z1 + 2) / 0.6).pow(2)], 1).logsumexp(1),
            "u2" => -0.5 * ((z2 - w1) / 0.4).pow(2),
            "u3" => stack([-0.5 * ((z2 - w1) / 0.35).pow(2), -0.5 * ((z2 - w1 + W2(z1)) / 0.35).pow(2)], 1).logsumexp(1),
            "u4" => stack([-0.5 * ((z2 - w1) / 0.4).pow(2), -0.5 * ((z2 - w1 + W3(z1)) / 0.35).pow(2)], 1).logsumexp(1),
            "gaussian" => -0.5 * (((z1 - 1) / GaussianStd).pow(2) + ((z2 + 1) / GaussianStd).pow(2)),
            _ => throw new ArgumentException($"unknown target '{name}' (expected one of: {string.Join(", ", Names)})"),
        };
        return logDensity.MoveToOuterDisposeScope();
    }

    static Tensor W2(Tensor z1) => 3 * (-0.5 * ((z1 - 1) / 0.6).pow(2)).exp();
    static Tensor W3(Tensor z1) => 3 * ((z1 - 1) / 0.3).sigmoid();
}
