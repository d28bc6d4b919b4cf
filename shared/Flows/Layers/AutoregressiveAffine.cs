using FlowLive.Flows.Nets;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// What MAF and IAF share. Both are the affine autoregressive map x_i = z_i exp(alpha_i) + mu_i with
/// (mu, alpha) = MADE(c); they differ only in which side c is: MAF conditions on x, IAF on z. Whichever direction
/// knows c is one parallel MADE pass; the other must solve for c, which takes D passes.
/// </summary>
static class AutoregressiveAffine
{
    /// <summary>The number of features D; autoregressive layers take vectors only.</summary>
    public static int Features(Shape shape, string layer) =>
        shape.IsVector
            ? (int)shape[0]
            : throw new FlowShapeException($"{layer} takes vectors: expected a shape [D], got {shape} (images are not supported)");

    public static Made CreateMade(Shape shape, int[] order, SubnetSpec subnet, ScaleBound bound, double clamp, string layer)
    {
        int features = Features(shape, layer);
        if (order.Length != features)
            throw new ArgumentException($"{layer}.Order has {order.Length} entries, expected {features} for shape {shape}");
        return new Made(order, subnet, bound, clamp);
    }

    /// <summary>x = z exp(alpha) + mu, with log|det dx/dz| = sum(alpha).</summary>
    public static (Tensor x, Tensor logDet) Scale(Tensor z, Tensor mu, Tensor alpha) =>
        (z * alpha.exp() + mu, alpha.sum(1));

    /// <summary>z = (x - mu) exp(-alpha), with log|det dz/dx| = -sum(alpha).</summary>
    public static (Tensor z, Tensor logDet) Unscale(Tensor x, Tensor mu, Tensor alpha) =>
        ((x - mu) * (-alpha).exp(), -alpha.sum(1));

    /// <summary>
    /// Solves u = step(MADE(u)) for the unknown conditioner input u by D passes from u = 0. Outputs of degree k depend
    /// only on inputs of degree &lt; k, so after pass k every entry of degree &lt;= k is exact; the last pass's alpha
    /// reads only exact entries, so its log-det is exact too. Updating all entries every pass (rather than one) costs
    /// the same D MADE calls and keeps the graph free of in-place writes, so gradients are exact.
    /// </summary>
    public static (Tensor u, Tensor logDet) Solve(Made made, Tensor like, Func<Tensor, Tensor, (Tensor, Tensor)> step)
    {
        var u = zeros_like(like);
        var logDet = ZeroLike(like);
        for (int pass = 0; pass < made.Features; pass++)
        {
            var (mu, alpha) = made.call(u);
            (u, logDet) = step(mu, alpha);
        }
        return (u, logDet);
    }

    static Tensor ZeroLike(Tensor like) => zeros(like.shape[0], dtype: like.dtype, device: like.device);
}
