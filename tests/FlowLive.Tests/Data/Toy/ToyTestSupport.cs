using FlowLive.Data.Toy;
using TorchSharp;
using static TorchSharp.torch;

namespace FlowLive.Tests.Data.Toy;

/// <summary>Grids and float64 read-backs for the known-density tests.</summary>
static class ToyTestSupport
{
    /// <summary>Midpoints of an nx x ny grid on [x0, x1] x [y0, y1] as float64 [nx * ny, 2], and the cell area.</summary>
    public static (Tensor Points, double CellArea) Midpoints(double x0, double x1, double y0, double y1, int nx, int ny)
    {
        double hx = (x1 - x0) / nx, hy = (y1 - y0) / ny;
        var values = new double[2L * nx * ny];
        for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++)
        {
            long k = 2L * (i * (long)ny + j);
            values[k] = x0 + (i + 0.5) * hx;
            values[k + 1] = y0 + (j + 0.5) * hy;
        }
        return (tensor(values, [nx * (long)ny, 2], ScalarType.Float64), hx * hy);
    }

    /// <summary>Integral of exp(log p) over the grid by the midpoint rule.</summary>
    public static double Integral(IKnownDensity density, double x0, double x1, double y0, double y1, int nx, int ny)
    {
        using var scope = NewDisposeScope();
        var (points, area) = Midpoints(x0, x1, y0, y1, nx, ny);
        return density.LogDensity(points).exp().sum().ToDouble() * area;
    }

    public static double[] LogDensities(IKnownDensity density, Tensor points)
    {
        using var logp = density.LogDensity(points.to(ScalarType.Float64));
        return logp.data<double>().ToArray();
    }

    public static double[] Values(Tensor t)
    {
        using var d = t.to(ScalarType.Float64).contiguous();
        return d.data<double>().ToArray();
    }

    /// <summary>-mean log p and its standard error over n fresh samples of a seed other than the entropy's.</summary>
    public static (double Mean, double StandardError) FreshNegativeLogLikelihood(IToyDataset set, long n, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var logp = ((IKnownDensity)set).LogDensity(set.Sample(n, g).to(ScalarType.Float64));
        return (-logp.mean().ToDouble(), logp.std().ToDouble() / Math.Sqrt(n));
    }
}
