using static TorchSharp.torch;

namespace FlowLive.Flows;

/// <summary>Runs a per-row computation over a batch in slices of rows and joins the results along the batch dimension.</summary>
public static class RowSlices
{
    /// <summary>f over [rows]-row slices of <paramref name="batch"/>, concatenated: the same values as f(batch) for row-independent f.</summary>
    public static Tensor Map(Tensor batch, long rows, Func<Tensor, Tensor> f)
    {
        using var scope = NewDisposeScope();
        return MapMany(batch, rows, slice => [f(slice)])[0].MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="Map"/> for an f that returns several tensors of the same batch: each is joined on its own.</summary>
    public static IReadOnlyList<Tensor> MapMany(Tensor batch, long rows, Func<Tensor, IReadOnlyList<Tensor>> f)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a slice holds at least one row");
        using var scope = NewDisposeScope();
        var parts = new List<IReadOnlyList<Tensor>>();
        for (long first = 0; first < batch.shape[0]; first += rows)
            parts.Add(f(batch.narrow(0, first, Math.Min(rows, batch.shape[0] - first))));
        var joined = Enumerable.Range(0, parts[0].Count).Select(k => cat(parts.Select(p => p[k]).ToList(), 0)).ToList();
        foreach (var t in joined) t.MoveToOuterDisposeScope();
        return joined;
    }
}
