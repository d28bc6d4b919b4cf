using static TorchSharp.torch;

namespace FlowLive.Data.Toy;

/// <summary>
/// The chequerboard of the DTU course 02460 Advanced Machine Learning (Jeha and Frellsen 2024, ToyData.py, class
/// Chequerboard with its defaults grid_size 3, bounds [0, 1]): the 3 x 3 grid of side-1/3 cells on [0, 1]^2, the five
/// cells (i, j) with i + j even (four corners and the centre) equally likely, uniform inside. The course builds it as
/// a MixtureSameFamily of closed uniform boxes [low, high] whose log_prob is -inf outside, so p = 9/5 on the cells,
/// 0 elsewhere; like the course, the four points where two cells touch count twice (p = 18/5, measure zero).
/// Entropy exact: uniform on area 5/9, H = log(5/9).
/// </summary>
public sealed class DtuChequerboard : KnownDensityToyDataset
{
    public const int GridSize = 3;
    public const double CellSide = 1.0 / GridSize;
    /// <summary>Lower-left corners (i, j) in cell units of the cells with i + j even.</summary>
    public static IReadOnlyList<(int I, int J)> Cells { get; } =
        [.. from i in Enumerable.Range(0, GridSize) from j in Enumerable.Range(0, GridSize) where (i + j) % 2 == 0 select (i, j)];
    public static readonly double Area = Cells.Count / (double)(GridSize * GridSize);
    public override string Name => "dtu_chequerboard";
    public override string Description => "DTU 02460: uniform on the 5 cells (i + j even) of a 3x3 grid on [0, 1]^2";

    protected override Tensor SampleCore(long n, Generator g)
    {
        var cells = tensor(Cells.SelectMany(c => new[] { (float)c.I, (float)c.J }).ToArray(), [Cells.Count, 2]);
        var chosen = cells[randint(0, Cells.Count, [n], dtype: int64, generator: g)];
        return (chosen + rand([n, 2], dtype: float32, generator: g)) * (float)CellSide;
    }

    protected override Tensor LogDensityCore(Tensor x)
    {
        var low = tensor(Cells.SelectMany(c => new[] { c.I * CellSide, c.J * CellSide }).ToArray(), [Cells.Count, 2], ScalarType.Float64);
        var p = x.unsqueeze(1);  // [n, 1, 2] against [K, 2]
        var inside = (p >= low).logical_and(p <= low + CellSide).all(-1);  // [n, K], closed boxes as in the course
        var count = inside.to(ScalarType.Float64).sum(1);
        return count.log() + Math.Log(GridSize * GridSize / (double)Cells.Count);  // log 0 = -inf off the cells
    }

    protected override DataEntropy ComputeEntropy() => DataEntropy.Exact(Math.Log(Area));
}
