using FlowLive.Protos.V1;

namespace FlowLive.Server.Operations;

/// <summary>
/// How many points a streamed response carries, for the points-streamed metric: the samples of a sample chunk (or of
/// a data-examples chunk), the points of a traced layer state, the cells of a density grid, the one point of an
/// interpolation step, a training snapshot's samples and grid cells.
/// </summary>
public static class StreamedPoints
{
    public static long In(object? message) => message switch
    {
        SampleResponse m => Rows(m.Points),
        SampleDataResponse m => Rows(m.Points),
        TraceResponse m => Rows(m.State),
        DensityGridResponse m => Cells(m.Grid),
        InterpolateResponse m => m.Point is null ? 0 : 1,
        WatchJobResponse { Snapshot: { } snapshot } => Rows(snapshot.Samples) + Cells(snapshot.Density),
        _ => 0,
    };

    private static long Rows(Tensor? tensor) => tensor is { Shape.Count: > 0 } ? tensor.Shape[0] : 0;

    private static long Cells(DensityGrid? grid) => grid is null ? 0 : (long)grid.Rows * grid.Columns;
}
