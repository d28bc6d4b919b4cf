using System.Security.Cryptography;
using FlowLive.Flows;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;
using FlowLive.Models;
using static TorchSharp.torch;

namespace FlowLive.Tests.Server;

/// <summary>
/// Model files for server tests: copies of bundled models, and small flows the bundle has no example of (a layer
/// without an inverse, a stochastic log-det, NaN weights), each saved with <see cref="ModelFile.Save"/>.
/// </summary>
public static class TestModels
{
    /// <summary>Copies the bundled model <paramref name="bundled"/> into <paramref name="folder"/> as <paramref name="name"/>.flow.</summary>
    public static string CopyBundled(string folder, string bundled, string? name = null)
    {
        string source = BundledModels.Find(bundled) ?? throw new FileNotFoundException($"bundled model {bundled} is missing", bundled);
        string target = PathOf(folder, name ?? bundled);
        File.Copy(source, target, overwrite: true);
        return target;
    }

    public static string PathOf(string folder, string name) => Path.Combine(folder, name + ModelFile.Extension);

    /// <summary>The file's SHA-256 as ModelInfo.sha256 gives it (lower-case hex).</summary>
    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>2-D, two planar layers between affine ones: it samples, but has no inverse (no encode, no density).</summary>
    public static string SavePlanar(string folder, string name)
    {
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
        [
            new PlanarFlowSpec { Shape = shape }.Build(),
            new ScaleSpec { Shape = shape, LogScale = [0.2, -0.1] }.Build(),
            new PlanarFlowSpec { Shape = shape }.Build(),
        ]);
        return Save(folder, name, flow);
    }

    /// <summary>2-D, an i-ResNet block (stochastic log-det) after a fixed affine map; invertible.</summary>
    public static string SaveIResNet(string folder, string name)
    {
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
        [
            new ScaleSpec { Shape = shape, LogScale = [0.3, -0.2] }.Build(),
            new IResNetBlockSpec { Shape = shape, Net = new SubnetSpec { Hidden = 8, Depth = 1, Activation = Activation.Elu } }.Build(),
        ]);
        // A new block is the identity (g's last layer starts at zero); perturb it so the log-det is a real estimate.
        using (no_grad())
            foreach (var p in flow.Parameters()) p.add_(rand_like(p) * 0.3 - 0.15);
        return Save(folder, name, flow);
    }

    /// <summary>A well-formed file whose weights are NaN: it loads, but its outputs are not finite.</summary>
    public static string SaveNaNWeights(string folder, string name)
    {
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
            [new ScaleSpec { Shape = shape, Learnable = true }.Build(), PermutationSpec.Reverse(shape).Build()]);
        using (no_grad())
            foreach (var p in flow.Parameters()) p.fill_(double.NaN);
        return Save(folder, name, flow);
    }

    /// <summary>2-D: <paramref name="layers"/> translations (for tests that need many layers cheaply).</summary>
    public static string SaveTranslations(string folder, string name, int layers)
    {
        var shape = Shape.Vector(2);
        using var flow = new Flow(new StandardNormal(shape),
            Enumerable.Range(0, layers).Select(i => new TranslateSpec { Shape = shape, Shift = [0.01 * i, -0.01 * i] }.Build()));
        return Save(folder, name, flow);
    }

    static string Save(string folder, string name, Flow flow)
    {
        string path = PathOf(folder, name);
        ModelFile.Save(path, new ModelSpec { Name = name, Flow = flow.Spec, Dataset = "test" }, flow);
        return path;
    }
}
