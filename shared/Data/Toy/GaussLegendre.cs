namespace FlowLive.Data.Toy;

/// <summary>
/// Composite Gauss-Legendre quadrature: [a, b] cut into equal panels, each integrated by the m-point rule that is
/// exact for polynomials of degree 2m - 1 (nodes are the roots of the Legendre polynomial P_m, found by Newton's
/// method from Tricomi's estimate cos(pi (i - 1/4) / (m + 1/2)); weights 2 / ((1 - x^2) P_m'(x)^2)).
/// </summary>
public static class GaussLegendre
{
    /// <summary>Nodes and weights on [-1, 1] of the <paramref name="order"/>-point rule.</summary>
    public static (double[] Nodes, double[] Weights) Rule(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        var nodes = new double[order];
        var weights = new double[order];
        for (int i = 0; i < order; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (order + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double p, derivative) = Legendre(order, x);
                double step = p / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-16) break;
            }
            (_, derivative) = Legendre(order, x);
            nodes[i] = x;
            weights[i] = 2 / ((1 - x * x) * derivative * derivative);
        }
        return (nodes, weights);
    }

    /// <summary>Nodes and weights of <paramref name="panels"/> copies of the <paramref name="order"/>-point rule on [a, b].</summary>
    public static (double[] Nodes, double[] Weights) Composite(double a, double b, int panels, int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(panels, 1);
        var (x, w) = Rule(order);
        double half = (b - a) / panels / 2;
        var nodes = new double[panels * order];
        var weights = new double[panels * order];
        for (int k = 0; k < panels; k++)
        for (int i = 0; i < order; i++)
        {
            double centre = a + (2 * k + 1) * half;
            nodes[k * order + i] = centre + half * x[i];
            weights[k * order + i] = half * w[i];
        }
        return (nodes, weights);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence (k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}.</summary>
    static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        for (int k = 1; k < n; k++)
            (previous, current) = (current, ((2 * k + 1) * x * current - k * previous) / (k + 1));
        if (n == 0) return (1, 0);
        return (current, n * (x * current - previous) / (x * x - 1));
    }
}
