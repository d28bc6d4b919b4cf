using FlowLive.Models;
using FlowLive.Protos.V1;
using Grpc.Health.V1;
using static FlowLive.Tests.Server.ServedModels;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FlowLive.Tests.Server;

/// <summary>ListModels and GetModel describe each model as models.proto promises.</summary>
[Collection(ServedModels.Collection)]
public sealed class DescribeRpcTests(ServedModels served)
{
    async Task<ModelInfo> Get(string name) => (await served.Models.GetModelAsync(new GetModelRequest { Model = name })).Model;

    [Fact]
    public async Task ListModels_lists_every_model_in_name_order_failed_ones_included()
    {
        var models = (await served.Models.ListModelsAsync(new ListModelsRequest())).Models;
        string[] expected = [Digits, IResNet, NaNWeights, Planar, Moons];
        Assert.Equal(expected.Order(StringComparer.Ordinal), models.Select(m => m.Name));
        Assert.Equal(ModelStatus.Failed, models.Single(m => m.Name == NaNWeights).Status);
        Assert.All(models.Where(m => m.Name != NaNWeights), m => Assert.Equal(ModelStatus.Serving, m.Status));
        // ListModels and GetModel say the same.
        foreach (var model in models) Assert.Equal(model, await Get(model.Name));
    }

    [Fact]
    public async Task Health_says_serving_for_each_serving_model_and_not_serving_for_a_failed_one()
    {
        async Task<ServingStatus> Health(string service) =>
            (await served.Server.Health.CheckAsync(new HealthCheckRequest { Service = service })).Status;
        foreach (var name in new[] { Moons, Digits, Planar, IResNet }) Assert.Equal(ServingStatus.Serving, await Health(name));
        Assert.Equal(ServingStatus.NotServing, await Health(NaNWeights));
        Assert.Equal(ServingStatus.Serving, await Health(""));
        Assert.Equal(ServingStatus.Serving, await Health("flowlive.v1.ModelService"));
    }

    [Fact]
    public async Task A_2d_model_is_described_layer_by_layer_with_its_files_checksum()
    {
        var info = await Get(Moons);
        string file = TestModels.PathOf(served.Server.ModelsDirectory, Moons);
        Assert.Equal(Moons, info.Name);
        Assert.Equal(ModelStatus.Serving, info.Status);
        Assert.Equal("", info.Error);
        Assert.Equal(DataKind.Points, info.DataKind);
        Assert.Equal([2L], info.DataShape.ToArray());
        Assert.Equal([2L], info.LatentShape.ToArray());
        Assert.Equal("standard_normal", info.Base.Kind);
        Assert.Equal([2L], info.Base.Shape.ToArray());
        Assert.Equal(TestModels.Sha256Of(file), info.Sha256);
        Assert.Equal(TestModels.Sha256Of(BundledModels.Find(Moons)!), info.Sha256);
        Assert.Equal(Path.GetFullPath(file), info.FilePath);
        Assert.True(info.Invertible);
        Assert.True(info.ExactLogDet);
        Assert.Equal(0, info.PixelScale);
        Assert.NotEmpty(info.Dataset);
        Assert.NotEmpty(info.Metrics);
        Assert.Contains("test_nll", info.Metrics.Keys);
        Assert.All(info.Metrics.Values, v => Assert.True(double.IsFinite(v)));
        Assert.InRange(info.LoadedAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(info.CreatedAt.ToDateTimeOffset() < info.LoadedAt.ToDateTimeOffset());

        Assert.NotEmpty(info.Layers);
        for (int i = 0; i < info.Layers.Count; i++)
        {
            var layer = info.Layers[i];
            Assert.Equal(i + 1, layer.Index);
            Assert.Equal($"{i + 1}:{layer.Kind}", layer.Name);
            Assert.Equal("masked_affine_coupling", layer.Kind);
            Assert.Equal([2L], layer.InputShape.ToArray());
            Assert.Equal([2L], layer.OutputShape.ToArray());
            Assert.True(layer.HasInverse);
            Assert.True(layer.ExactLogDet);
            Assert.True(layer.ParameterCount > 0);
        }
        Assert.Equal(info.Layers.Sum(l => l.ParameterCount), info.ParameterCount); // a standard normal base has none
        Assert.Equal(info.Layers.Count, info.Layers.Select(l => l.Name).Distinct().Count());
    }

    [Fact]
    public async Task An_image_models_layers_chain_from_the_latent_shape_to_the_data_shape()
    {
        var info = await Get(Digits);
        Assert.Equal(DataKind.Image, info.DataKind);
        Assert.Equal([1L, 28, 28], info.DataShape.ToArray());
        Assert.Equal(info.Base.Shape, info.LatentShape);
        Assert.Equal(784, info.LatentShape.Aggregate(1L, (a, b) => a * b));
        Assert.Equal(1.0, info.PixelScale);
        Assert.Equal("mnist", info.Dataset);
        Assert.Contains("test_bits_per_dim", info.Metrics.Keys);
        Assert.Equal(info.LatentShape, info.Layers[0].InputShape);
        for (int i = 1; i < info.Layers.Count; i++) Assert.Equal(info.Layers[i - 1].OutputShape, info.Layers[i].InputShape);
        Assert.Equal(info.DataShape, info.Layers[^1].OutputShape);
        Assert.Contains(info.Layers, l => !l.InputShape.SequenceEqual(l.OutputShape)); // a reshaping layer (squeeze)
    }

    [Fact]
    public async Task An_iresnet_model_says_its_log_densities_are_estimates()
    {
        var info = await Get(IResNet);
        Assert.False(info.ExactLogDet);
        Assert.True(info.Invertible);
        Assert.Equal(["scale", "iresnet"], info.Layers.Select(l => l.Kind));
        Assert.True(info.Layers[0].ExactLogDet);
        Assert.False(info.Layers[1].ExactLogDet);
        Assert.Equal(0, info.Layers[0].ParameterCount); // a fixed scale
        var response = await served.Models.LogProbAsync(new LogProbRequest { Model = IResNet, Points = WireTensors.Of([0.5f, -0.5f], 1, 2) });
        Assert.True(response.Estimate);
        var exact = await served.Models.LogProbAsync(new LogProbRequest { Model = Moons, Points = WireTensors.Of([0.5f, -0.5f], 1, 2) });
        Assert.False(exact.Estimate);
    }

    [Fact]
    public async Task A_model_without_an_inverse_says_which_layers_have_none()
    {
        var info = await Get(Planar);
        Assert.False(info.Invertible);
        Assert.True(info.ExactLogDet);
        Assert.Equal([false, true, false], info.Layers.Select(l => l.HasInverse));
        Assert.Equal(["planar", "scale", "planar"], info.Layers.Select(l => l.Kind));
    }

    [Fact]
    public async Task A_failed_model_carries_its_name_file_error_and_time_only()
    {
        var info = await Get(NaNWeights);
        Assert.Equal(ModelStatus.Failed, info.Status);
        Assert.Contains("not finite", info.Error);
        Assert.Equal(Path.GetFullPath(TestModels.PathOf(served.Server.ModelsDirectory, NaNWeights)), info.FilePath);
        Assert.NotNull(info.LoadedAt);
        Assert.Empty(info.Layers);
        Assert.Empty(info.DataShape);
        Assert.Null(info.Base);
        Assert.Equal(DataKind.Unspecified, info.DataKind);
    }
}
