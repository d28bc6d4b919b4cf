using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlowLive.Flows.Layers;

/// <summary>
/// An invertible n x n matrix in Glow's LU form W = P L (U + diag(sign * exp(logS))) (Kingma and Dhariwal 2018,
/// section 3.2), shared by <see cref="InvertibleLinear"/> and <see cref="InvertibleConv1x1"/>.
/// P is a fixed permutation from the spec ((P A)[i] = A[permutation[i]]), L unit lower-triangular, U strictly
/// upper-triangular, the signs fixed: log|det W| = sum(logS) costs O(n) and W is invertible whatever the weights.
/// It acts on rows: x = W z for every row z of a [rows, n] tensor.
/// </summary>
sealed class LuMatrix : nn.Module
{
    // Full n x n parameters of which only the strict triangles are used (Glow masks them the same way).
    readonly Parameter lower;
    readonly Parameter upper;
    readonly Parameter logS;
    readonly Tensor sign;
    readonly Tensor order;
    readonly Tensor inverseOrder;

    /// <summary>
    /// Starts from a random rotation Q drawn from <paramref name="seed"/>: L and U are the pivoted LU factors of P^T Q,
    /// so W = Q when P holds Q's own pivots (<see cref="PivotsOf"/>), and W is still a rotation times a permutation
    /// for any other P.
    /// </summary>
    public LuMatrix(int[] permutation, int seed, string owner) : base(nameof(LuMatrix))
    {
        int n = permutation.Length;
        if (n == 0 || permutation.Order().Where((v, i) => v != i).Any())
            throw new ArgumentException($"{owner}.Permutation must be a permutation of 0..{n - 1}, got [{string.Join(", ", permutation)}]");
        var inverse = new long[n];
        for (int i = 0; i < n; i++) inverse[permutation[i]] = i;
        order = tensor(permutation.Select(i => (long)i).ToArray());
        inverseOrder = tensor(inverse);

        using var rotation = RandomRotation(n, seed);
        using var permuted = rotation.index_select(0, inverseOrder);
        var (p, l, u) = linalg.lu(permuted);
        using (p)
        using (l)
        using (u)
        using (var diagonal = u.diagonal())
        {
            lower = new Parameter(l.to(float32));
            upper = new Parameter(u.to(float32));
            logS = new Parameter(diagonal.abs().log().to(float32));
            sign = diagonal.sign().to(float32);
        }
        RegisterComponents();
    }

    /// <summary>The permutation of partial pivoting in the LU factorisation of the rotation drawn from <paramref name="seed"/>.</summary>
    public static int[] PivotsOf(int n, int seed)
    {
        using var scope = NewDisposeScope();
        var (p, _, _) = linalg.lu(RandomRotation(n, seed));
        // (P A)[i] = A[j] where P[i, j] = 1.
        return p.argmax(1).data<long>().Select(j => (int)j).ToArray();
    }

    /// <summary>Q of the QR factorisation of a seeded standard normal matrix (Glow's initialisation), in float64.</summary>
    static Tensor RandomRotation(int n, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var gaussian = randn(new long[] { n, n }, dtype: float64, generator: generator);
        var (q, r) = linalg.qr(gaussian);
        r.Dispose();
        return q;
    }

    public Tensor Weight()
    {
        var (l, u) = Factors();
        return l.matmul(u).index_select(0, order);
    }

    /// <summary>log|det W|, a scalar.</summary>
    public Tensor LogAbsDet() => logS.sum();

    /// <summary>x = W z for every row.</summary>
    public Tensor Apply(Tensor rows) => rows.matmul(Weight().t());

    /// <summary>z = W^-1 x for every row, by two triangular solves: better conditioned than forming W^-1.</summary>
    public Tensor Solve(Tensor rows)
    {
        var (l, u) = Factors();
        var permuted = rows.index_select(1, inverseOrder).t();
        var half = linalg.solve_triangular(l, permuted, upper: false, unitriangular: true);
        return linalg.solve_triangular(u, half, upper: true).t();
    }

    (Tensor L, Tensor U) Factors()
    {
        var identity = eye(logS.shape[0], dtype: logS.dtype, device: logS.device);
        return (lower.tril(-1) + identity, upper.triu(1) + (sign * logS.exp()).diag());
    }
}
