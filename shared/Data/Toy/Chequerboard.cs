using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// Uniform on the black squares of a 4 x 4 chequerboard of side-2 squares covering [-4, 4)^2: a point lies in
/// column i = floor(x / 2) and row j = floor(y / 2) with i + j even. FFJORD's "checkerboard" (Grathwohl et al. 2019).
/// Density 1/32 on the eight black squares (half-open, as sampled), 0 elsewhere; entropy exact, log 32.
/// </summary>
public sealed class Chequerboard : KnownDensityToyDataset
{
    public const double SquareSide = 2.0;
    public override string Name => "chequerboard";
    public override string Description => "uniform on the black squares of a 4x4 board over [-4, 4)^2";

    /// <summary>True for points on black squares (floor(x/2) + floor(y/2) even).</summary>
    public static bool IsBlack(double x, double y) =>
        ((long)Math.Floor(x / SquareSide) + (long)Math.Floor(y / SquareSide)) % 2 == 0;

    protected override Tensor SampleCore(long n, Generator g)
    {
        var column = Integers(n, -2, 2, g);
        // Two rows of each parity lie in [-2, 2): {-2, 0} or {-1, 1}; pick one with the column's parity.
        var row = Integers(n, 0, 2, g) * 2 - 2 + remainder(column, 2);
        var cell = stack([column, row], 1);
        return (cell + rand([n, 2], dtype: float32, generator: g)) * SquareSide;
    }

    /// <summary>Total area of the black squares: 8 of side 2.</summary>
    public const double Area = 8 * SquareSide * SquareSide;

    protected override Tensor LogDensityCore(Tensor x)
    {
        var square = (x / SquareSide).floor();
        var onBoard = (x >= -4).logical_and(x < 4).all(1);
        var black = square.sum(1).remainder(2).eq(0);  // remainder takes the divisor's sign, so odd negatives give 1
        return onBoard.logical_and(black).to(ScalarType.Float64).log() - Math.Log(Area);  // log 0 = -inf off the black squares
    }

    protected override DataEntropy ComputeEntropy() => DataEntropy.Exact(Math.Log(Area));
}
