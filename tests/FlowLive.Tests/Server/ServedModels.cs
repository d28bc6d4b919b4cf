using FlowLive.Protos.V1;

namespace FlowLive.Tests.Server;

/// <summary>
/// One in-memory server shared by the model-rpc tests (starting one per test would dominate their time): a 2-D and
/// an image model from the bundle, a flow without an inverse, an i-ResNet flow and a model with NaN weights, under
/// caps lowered so that every cap can be crossed with small requests.
/// </summary>
public sealed class ServedModels : IAsyncLifetime
{
    public const string Collection = "served models";

    public const string Moons = "two_moons-realnvp";
    public const string Digits = "realnvp-mnist";
    public const string Planar = "planar-2d";
    public const string IResNet = "iresnet-2d";
    public const string NaNWeights = "nan-weights";

    public const int MaxPoints = 500;
    public const long MaxFloats = 100 * 784; // 100 digits, 39,200 2-D points
    public const int MaxSteps = 64;
    public const int MaxGridSide = 64;
    public const int MaxGridCells = 48 * 64; // below MaxGridSide squared, so the cell cap can be crossed on its own
    public const int MaxMessageBytes = 1 << 20; // the default: the contract's 1 MiB

    public RunningServer Server { get; private set; } = null!;
    public ModelService.ModelServiceClient Models => Server.Models;

    public async Task InitializeAsync()
    {
        Server = await RunningServer.InMemory(settings =>
        {
            settings.IncludeBundled = false;
            settings.Limits.MaxPoints = MaxPoints;
            settings.Limits.MaxFloats = MaxFloats;
            settings.Limits.MaxSteps = MaxSteps;
            settings.Limits.MaxGridSide = MaxGridSide;
            settings.Limits.MaxGridCells = MaxGridCells;
            settings.Limits.MaxMessageBytes = MaxMessageBytes;
            string folder = settings.ModelsDirectory!;
            TestModels.CopyBundled(folder, Moons);
            TestModels.CopyBundled(folder, Digits);
            TestModels.SavePlanar(folder, Planar);
            TestModels.SaveIResNet(folder, IResNet);
            TestModels.SaveNaNWeights(folder, NaNWeights);
        });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(ServedModels.Collection)]
public sealed class ServedModelsCollection : ICollectionFixture<ServedModels>;
