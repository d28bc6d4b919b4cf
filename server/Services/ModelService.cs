using FlowLive.Protos.V1;
using FlowLive.Server.Compute;
using FlowLive.Server.Registry;
using FlowLive.Server.Wire;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FlowLive.Server.Services;

/// <summary>
/// flowlive.v1.ModelService (see models.proto). Each rpc checks its request, leases the model, and computes on the
/// scheduler one chunk at a time, writing each chunk before computing the next: HTTP/2 flow control is the
/// backpressure, and a cancelled or expired call stops at the next chunk, its work freed at once.
/// </summary>
public sealed class ModelService(ModelRegistry registry, ComputeScheduler compute, DataExamples dataExamples, IOptions<ServerOptions> options)
    : Protos.V1.ModelService.ModelServiceBase
{
    private readonly ServerLimits limits = options.Value.Limits;
    private RequestChecks Checks => new(limits);

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.AddRange(registry.All.Select(m => m.Info));
        return Task.FromResult(response);
    }

    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(new GetModelResponse { Model = registry.Get(request.Model).Info });

    public override async Task Sample(SampleRequest request, IServerStreamWriter<SampleResponse> responses, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var flow = model.Flow;
        long count = Checks.Count(request.Count, "count", model);
        long seed = RequestChecks.Seed(request.HasSeed, request.Seed);
        double temperature = RequestChecks.Temperature(request.HasTemperature, request.Temperature);
        int chunk = Checks.ChunkSize(request.ChunkSize, Math.Max(model.DataShape.Size, model.LatentShape.Size));
        var ct = context.CancellationToken;

        var latents = await compute.Run(_ => Sampling.DrawLatents(flow, count, temperature, seed), ct);
        for (long offset = 0; offset < count; offset += chunk)
        {
            long n = Math.Min(chunk, count - offset);
            var slice = latents.Slice(offset, n);
            var (points, logProb) = await compute.Run(_ => Sampling.Decode(flow, slice, request.IncludeLogProb), ct);
            Outputs.CheckFinite(points.Values, "points", model);
            if (logProb is not null) Outputs.CheckFinite(logProb, "log_prob", model);
            var message = new SampleResponse { Offset = offset, Points = TensorMessages.ToMessage(points), Seed = seed, Total = count };
            if (logProb is not null) message.LogProb = TensorMessages.ToMessage(logProb, n);
            await responses.WriteAsync(message, ct);
        }
    }

    public override async Task Trace(TraceRequest request, IServerStreamWriter<TraceResponse> responses, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var flow = model.Flow;
        var ct = context.CancellationToken;
        long largestState = flow.Layers.Select(l => l.DataShape.Size).Append(model.LatentShape.Size).Max();
        int chunk = Checks.ChunkSize(request.ChunkSize, largestState);
        bool fromData = request.Points is not null;
        if (fromData && request.Latents is not null) throw Problems.Invalid("latents", "give points or latents, not both");
        long seed = 0;
        Batch source;
        if (request.Latents is not null)
        {
            source = TensorMessages.ReadBatch(request.Latents, "latents", model.LatentShape, limits.MaxMessageBytes);
        }
        else if (fromData)
        {
            RequestChecks.Invertible(model, "trace data points");
            source = TensorMessages.ReadBatch(request.Points, "points", model.DataShape, limits.MaxMessageBytes);
        }
        else
        {
            long count = Checks.Count(request.Count, "count", model);
            if (count * largestState * (flow.LayerCount + 1) > limits.MaxFloats * 64)
                throw Problems.OverCap("count", $"Limits:MaxFloats x 64 = {limits.MaxFloats * 64:N0} streamed values",
                    $"{count:N0} points x {flow.LayerCount + 1} states is too much to trace in one call");
            seed = RequestChecks.Seed(request.HasSeed, request.Seed);
            double temperature = RequestChecks.Temperature(request.HasTemperature, request.Temperature);
            source = await compute.Run(_ => Sampling.DrawLatents(flow, count, temperature, seed), ct);
        }

        var kinds = model.Info.Layers.Select(l => l.Kind).Prepend("base").ToArray();
        for (long offset = 0; offset < source.Count; offset += chunk)
        {
            long n = Math.Min(chunk, source.Count - offset);
            var slice = source.Slice(offset, n);
            var states = await compute.Run(_ => fromData
                ? Tracing.FromData(flow, slice, request.IncludeLogDet)
                : Tracing.FromLatents(flow, slice, request.IncludeLogDet), ct);
            foreach (var state in states)
            {
                Outputs.CheckFinite(state.State.Values, "state", model);
                if (state.LogDet is not null) Outputs.CheckFinite(state.LogDet, "log_det", model);
                if (state.LogProb is not null) Outputs.CheckFinite(state.LogProb, "log_prob", model);
                var message = new TraceResponse
                {
                    Offset = offset,
                    LayerIndex = state.LayerIndex,
                    LayerKind = kinds[state.LayerIndex],
                    State = TensorMessages.ToMessage(state.State),
                    LayerCount = flow.LayerCount,
                    Seed = seed,
                    Total = source.Count,
                };
                if (state.LogDet is not null) message.LogDet = TensorMessages.ToMessage(state.LogDet, n);
                if (state.LogProb is not null) message.LogProb = TensorMessages.ToMessage(state.LogProb, n);
                await responses.WriteAsync(message, ct);
            }
        }
    }

    public override async Task<EncodeResponse> Encode(EncodeRequest request, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var points = TensorMessages.ReadBatch(request.Points, "points", model.DataShape, limits.MaxMessageBytes);
        RequestChecks.Invertible(model, "encode");
        var (latents, logDet, logProb) = await compute.Run(_ => Codec.Encode(model.Flow, points), context.CancellationToken);
        Outputs.CheckFinite(latents.Values, "latents", model);
        Outputs.CheckFinite(logDet, "log_det", model);
        Outputs.CheckFinite(logProb, "log_prob", model);
        return new EncodeResponse
        {
            Latents = TensorMessages.ToMessage(latents),
            LogDet = TensorMessages.ToMessage(logDet, points.Count),
            LogProb = TensorMessages.ToMessage(logProb, points.Count),
        };
    }

    public override async Task<DecodeResponse> Decode(DecodeRequest request, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var latents = TensorMessages.ReadBatch(request.Latents, "latents", model.LatentShape, limits.MaxMessageBytes);
        var (points, logDet) = await compute.Run(_ => Codec.Decode(model.Flow, latents), context.CancellationToken);
        Outputs.CheckFinite(points.Values, "points", model);
        Outputs.CheckFinite(logDet, "log_det", model);
        return new DecodeResponse { Points = TensorMessages.ToMessage(points), LogDet = TensorMessages.ToMessage(logDet, latents.Count) };
    }

    public override async Task<LogProbResponse> LogProb(LogProbRequest request, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var points = TensorMessages.ReadBatch(request.Points, "points", model.DataShape, limits.MaxMessageBytes);
        RequestChecks.Invertible(model, "evaluate log-densities");
        var logProb = await compute.Run(_ => Codec.LogProb(model.Flow, points), context.CancellationToken);
        Outputs.CheckFinite(logProb, "log_prob", model);
        return new LogProbResponse { LogProb = TensorMessages.ToMessage(logProb, points.Count), Estimate = !model.Info.ExactLogDet };
    }

    public override async Task DensityGrid(DensityGridRequest request, IServerStreamWriter<DensityGridResponse> responses, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var flow = model.Flow;
        if (model.DataShape != Flows.Shape.Vector(2))
            throw Problems.Precondition($"model '{model.Name}' models data of shape {model.DataShape}: density grids need a 2-D model");
        RequestChecks.Invertible(model, "evaluate a density grid");
        var (columns, rows) = Checks.GridSize(request.Columns, request.Rows);
        var ct = context.CancellationToken;
        var window = RequestChecks.Window(request.Bounds, columns, rows)
                     ?? Densities.Regrid(model.DefaultWindow ??= await compute.Run(_ => Densities.DefaultWindow(flow), ct), columns, rows);
        var prefixes = request.PerLayer ? Enumerable.Range(0, flow.LayerCount + 1) : [flow.LayerCount];
        foreach (int prefix in prefixes)
        {
            var grid = await compute.Run(token => Densities.Evaluate(flow.Prefix(prefix), window, token), ct);
            await responses.WriteAsync(new DensityGridResponse
            {
                LayerPrefix = prefix,
                LayerCount = flow.LayerCount,
                Grid = TensorMessages.ToMessage(grid),
            }, ct);
        }
    }

    public override async Task Interpolate(InterpolateRequest request, IServerStreamWriter<InterpolateResponse> responses, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        var flow = model.Flow;
        var ct = context.CancellationToken;
        var kind = RequestChecks.Kind(request.Kind);
        int steps = Checks.Steps(request.Steps);
        var (endsField, endsTensor, endsShape) = request.EndsCase switch
        {
            InterpolateRequest.EndsOneofCase.LatentEnds => ("latent_ends", request.LatentEnds, model.LatentShape),
            InterpolateRequest.EndsOneofCase.DataEnds => ("data_ends", request.DataEnds, model.DataShape),
            _ => throw Problems.Invalid("ends", "set data_ends or latent_ends: a tensor of two points"),
        };
        var ends = TensorMessages.ReadBatch(endsTensor, endsField, endsShape, limits.MaxMessageBytes);
        if (ends.Count != 2) throw Problems.Invalid(endsField, $"needs exactly 2 points (start and end), got {ends.Count}");
        if (request.EndsCase == InterpolateRequest.EndsOneofCase.DataEnds)
        {
            RequestChecks.Invertible(model, "interpolate between data points");
            var dataEnds = ends;
            ends = (await compute.Run(_ => Codec.Encode(flow, dataEnds), ct)).Latents;
        }
        var path = Interpolation.Path(ends.Slice(0, 1).Values, ends.Slice(1, 1).Values, model.LatentShape, steps, kind);
        int chunk = (int)Math.Clamp(limits.MaxMessageBytes / (4 * Math.Max(model.DataShape.Size, model.LatentShape.Size)), 1, 256);
        for (int first = 0; first < steps; first += chunk)
        {
            int n = Math.Min(chunk, steps - first);
            var latents = path.Slice(first, n);
            // With states, the trace's forward pass gives the points and their log-densities too (its last state).
            var states = request.IncludeStates ? await compute.Run(_ => Tracing.FromLatents(flow, latents, withLogDet: true), ct) : null;
            var (points, logProb) = states is not null ? (states[^1].State, states[^1].LogProb)
                : await compute.Run(_ => Sampling.Decode(flow, latents, withLogProb: true), ct);
            Outputs.CheckFinite(latents.Values, "latent", model);
            Outputs.CheckFinite(points.Values, "point", model);
            Outputs.CheckFinite(logProb!, "log_prob", model);
            if (states is not null)
                foreach (var state in states) Outputs.CheckFinite(state.State.Values, "states", model);
            for (int i = 0; i < n; i++)
            {
                int step = first + i;
                var message = new InterpolateResponse
                {
                    Step = step,
                    T = (double)step / (steps - 1),
                    Latent = TensorMessages.ToMessage(latents.Slice(i, 1)),
                    Point = TensorMessages.ToMessage(points.Slice(i, 1)),
                    LogProb = TensorMessages.ToMessage(logProb!.AsSpan(i, 1), 1),
                };
                if (states is not null) message.States.AddRange(states.Select(s => TensorMessages.ToMessage(s.State.Slice(i, 1))));
                await responses.WriteAsync(message, ct);
            }
        }
    }

    public override async Task SampleData(SampleDataRequest request, IServerStreamWriter<SampleDataResponse> responses, ServerCallContext context)
    {
        var (model, lease) = registry.Lease(request.Model);
        using var _ = lease;
        long count = Checks.Count(request.Count, "count", model);
        long seed = RequestChecks.Seed(request.HasSeed, request.Seed);
        var ct = context.CancellationToken;
        var (examples, dataset) = await compute.Run(_ => dataExamples.Draw(model, count, seed), ct);
        int chunk = Checks.ChunkSize(0, model.DataShape.Size);
        for (long offset = 0; offset < examples.Count; offset += chunk)
        {
            long n = Math.Min(chunk, examples.Count - offset);
            await responses.WriteAsync(new SampleDataResponse
            {
                Offset = offset, Points = TensorMessages.ToMessage(examples.Slice(offset, n)), Seed = seed, Total = examples.Count, Dataset = dataset,
            }, ct);
        }
    }
}
