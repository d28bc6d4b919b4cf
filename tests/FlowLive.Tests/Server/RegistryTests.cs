using System.Diagnostics;
using System.Security.Cryptography;
using FlowLive.Flows;
using FlowLive.Models;
using FlowLive.Protos.V1;
using FlowLive.Server.Registry;
using FlowLive.Tests.Data;
using FlowLive.Tests.Models;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using static FlowLive.Tests.Server.TestModels;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FlowLive.Tests.Server;

/// <summary>
/// The model registry through the wire: every model loads at start, the folder is watched (new, changed, removed and
/// corrupted files), and a bad file (corrupt, unreadable, absurd, NaN) is reported and skipped while the others serve.
/// </summary>
public sealed class RegistryTests
{
    static readonly TimeSpan Rescan = TimeSpan.FromSeconds(5); // the harness rescans every 0.2 s

    static async Task<ModelInfo?> Find(RunningServer server, string name) =>
        (await server.Models.ListModelsAsync(new ListModelsRequest())).Models.SingleOrDefault(m => m.Name == name);

    static async Task<ServingStatus> Health(RunningServer server, string name) =>
        (await server.Health.CheckAsync(new HealthCheckRequest { Service = name })).Status;

    static async Task<float[]> SampleOf(RunningServer server, string name) =>
        WireTensors.Values((await Rpcs.ReadAll(server.Models.Sample(new SampleRequest { Model = name, Count = 16, Seed = 3 })))[0].Points);

    static Task<RunningServer> ServerWith(Action<string> models) => RunningServer.InMemory(settings =>
    {
        settings.IncludeBundled = false;
        models(settings.ModelsDirectory!);
    });

    [Fact]
    public async Task Every_bundled_model_loads_at_start_and_serves()
    {
        await using var server = await RunningServer.InMemory();
        var bundled = BundledModels.All().Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(bundled);
        var models = (await server.Models.ListModelsAsync(new ListModelsRequest())).Models;
        Assert.Equal(bundled, models.Select(m => m.Name));
        foreach (var model in models)
        {
            Assert.True(model.Status == ModelStatus.Serving, $"{model.Name}: {model.Error}");
            Assert.Equal(Sha256Of(BundledModels.Find(model.Name)!), model.Sha256);
            Assert.Equal(ServingStatus.Serving, await Health(server, model.Name));
            Assert.Single(await Rpcs.ReadAll(server.Models.Sample(new SampleRequest { Model = model.Name, Count = 1, Seed = 1 })));
        }
        Assert.Equal(ServingStatus.Serving, await Health(server, ""));
        Assert.Equal(ServingStatus.Serving, await Health(server, FlowLive.Server.FlowLiveServer.ModelServiceName));
    }

    [Fact]
    public async Task A_file_in_the_models_folder_hides_the_bundled_model_of_its_name_until_it_goes()
    {
        string bundled = BundledModels.Find("radboud-moons")!;
        string? mine = null;
        await using var server = await RunningServer.InMemory(settings =>
            mine = TestModels.CopyBundled(settings.ModelsDirectory!, "two_moons-realnvp", "radboud-moons"));
        var hiding = (await Find(server, "radboud-moons"))!;
        Assert.Equal(Path.GetFullPath(mine!), hiding.FilePath);
        Assert.Equal(Sha256Of(mine!), hiding.Sha256);

        File.Delete(mine!);
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "radboud-moons"))?.Sha256 == Sha256Of(bundled), Rescan), "the bundled model did not come back");
        Assert.Equal(Path.GetFullPath(bundled), (await Find(server, "radboud-moons"))!.FilePath);
        Assert.Equal(ServingStatus.Serving, await Health(server, "radboud-moons"));
    }

    [Fact]
    public async Task A_new_file_is_picked_up_a_changed_one_reloaded_and_a_removed_one_dropped()
    {
        await using var server = await ServerWith(folder => TestModels.CopyBundled(folder, "radboud-moons", "bystander"));
        Assert.Null(await Find(server, "fresh"));
        var bystander = await SampleOf(server, "bystander");

        string path = TestModels.CopyBundled(server.ModelsDirectory, "radboud-moons", "fresh");
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "fresh"))?.Status == ModelStatus.Serving, Rescan), "the new file was not picked up");
        var first = (await Find(server, "fresh"))!;
        Assert.Equal(Sha256Of(path), first.Sha256);
        Assert.Equal(ServingStatus.Serving, await Health(server, "fresh"));
        Assert.Equal(bystander, await SampleOf(server, "fresh")); // the same flow as the bystander's

        // Replaced as a trainer would write it: a new file renamed over the old one.
        string staged = Path.Combine(server.ModelsDirectory, "fresh.staged");
        File.Copy(BundledModels.Find("two_moons-realnvp")!, staged);
        File.Move(staged, path, overwrite: true);
        string changed = Sha256Of(path);
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "fresh"))?.Sha256 == changed, Rescan), "the changed file was not reloaded");
        var second = (await Find(server, "fresh"))!;
        Assert.Equal(ModelStatus.Serving, second.Status);
        Assert.Equal("masked_affine_coupling", second.Layers[0].Kind);
        Assert.True(second.LoadedAt.ToDateTimeOffset() > first.LoadedAt.ToDateTimeOffset());
        Assert.NotEqual(bystander, await SampleOf(server, "fresh"));

        File.Delete(path);
        Assert.True(await Rpcs.Eventually(async () => await Find(server, "fresh") is null, Rescan), "the removed file is still listed");
        var error = await Rpcs.Failure(() => SampleOf(server, "fresh"));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Rpcs.Failure(() => Health(server, "fresh"))).StatusCode);
        Assert.Equal(bystander, await SampleOf(server, "bystander"));
    }

    /// <summary>Files that must each be listed as failed, with a part of their error.</summary>
    static readonly (string Name, string Error)[] BadFiles =
    [
        ("garbage", "not a FlowLive model"),
        ("truncated", "truncated"),
        ("flipped", "checksum mismatch"),
        ("empty", "is empty"),
        ("absurd", "spec.flow.layers[0].net.hidden"),
        ("dangling", "no such file"),
        ("oversized", "larger than any FlowLive model"),
        ("nan-weights", "not finite"),
    ];

    static void WriteBadFiles(string folder)
    {
        string good = BundledModels.Find("radboud-moons")!;
        byte[] bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(TestModels.PathOf(folder, "garbage"), RandomNumberGenerator.GetBytes(4096));
        File.WriteAllBytes(TestModels.PathOf(folder, "truncated"), bytes[..(bytes.Length / 2)]);
        var flipped = (byte[])bytes.Clone();
        flipped[flipped.Length / 2] ^= 0xFF;
        File.WriteAllBytes(TestModels.PathOf(folder, "flipped"), flipped);
        File.WriteAllBytes(TestModels.PathOf(folder, "empty"), []);
        ModelFileWriter.Edit(good, TestModels.PathOf(folder, "absurd"), spec => spec["flow"]!["layers"]![0]!["net"]!["hidden"] = 2_000_000_000);
        File.CreateSymbolicLink(TestModels.PathOf(folder, "dangling"), Path.Combine(folder, "nowhere"));
        using (var stream = File.Create(TestModels.PathOf(folder, "oversized"))) stream.SetLength(SpecLimits.MaxModelFileBytes + 1); // sparse
        TestModels.SaveNaNWeights(folder, "nan-weights");
        TestModels.CopyBundled(folder, "radboud-moons", "good");
    }

    [Fact]
    public async Task Corrupt_absurd_unreadable_and_non_finite_models_are_reported_and_skipped_while_the_others_serve()
    {
        await using var server = await ServerWith(WriteBadFiles);
        var models = (await server.Models.ListModelsAsync(new ListModelsRequest())).Models;
        Assert.Equal(BadFiles.Select(b => b.Name).Append("good").Order(StringComparer.Ordinal), models.Select(m => m.Name));
        foreach (var (name, error) in BadFiles)
        {
            var model = models.Single(m => m.Name == name);
            Assert.Equal(ModelStatus.Failed, model.Status);
            Assert.Contains(error, model.Error);
            Assert.Equal(ServingStatus.NotServing, await Health(server, name));
            var refusal = await Rpcs.Failure(() => SampleOf(server, name));
            Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);
            Assert.Contains($"model '{name}' is not serving", refusal.Status.Detail);
            Assert.Contains(error, refusal.Status.Detail);
        }
        Assert.Equal(ModelStatus.Serving, models.Single(m => m.Name == "good").Status);
        Assert.Equal(ServingStatus.Serving, await Health(server, "good"));
        var errors = server.Logs.Entries.Where(e => e.Level == LogLevel.Error && e.Category == typeof(ModelRegistry).FullName).Select(e => e.Message).ToList();
        foreach (var (name, error) in BadFiles)
            Assert.Contains(errors, e => e.Contains($"model {name}: not serving") && e.Contains(error));
        Assert.DoesNotContain(errors, e => e.Contains("model good:"));
        Assert.Equal(16, (await SampleOf(server, "good")).Length / 2);
    }

    [SkippableFact]
    public async Task Pipes_devices_and_links_named_like_models_neither_hang_nor_exhaust_the_server()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/dev/zero"), "needs Linux's /dev/zero and mkfifo");
        using var elsewhere = new TempDirectory();
        string target = TestModels.CopyBundled(elsewhere.Path, "radboud-moons");
        // Started on another thread: a registry that blocks would block the caller before any task is returned.
        var startup = Task.Run(() => ServerWith(folder =>
        {
            using (var mkfifo = Process.Start("mkfifo", TestModels.PathOf(folder, "pipe"))) mkfifo.WaitForExit();
            File.CreateSymbolicLink(TestModels.PathOf(folder, "zeros"), "/dev/zero");
            File.CreateSymbolicLink(TestModels.PathOf(folder, "loop"), TestModels.PathOf(folder, "loop"));
            File.CreateSymbolicLink(TestModels.PathOf(folder, "linked"), target);
            TestModels.CopyBundled(folder, "radboud-moons", "good");
        }));
        await using var server = await startup.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var (name, error) in new[] { ("pipe", "not a regular file"), ("zeros", "not a regular file"), ("loop", "cannot be followed") })
        {
            var model = (await Find(server, name))!;
            Assert.Equal(ModelStatus.Failed, model.Status);
            Assert.Contains(error, model.Error);
        }
        Assert.Equal(ModelStatus.Serving, (await Find(server, "good"))!.Status);

        // A link to a model serves it, and a change of its target is a change of the model.
        var linked = (await Find(server, "linked"))!;
        Assert.True(linked.Status == ModelStatus.Serving, linked.Error);
        Assert.Equal(Sha256Of(target), linked.Sha256);
        File.Copy(BundledModels.Find("two_moons-realnvp")!, target, overwrite: true);
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "linked"))?.Sha256 == Sha256Of(target), Rescan), "the link's new target was not reloaded");

        // Rescans keep passing over the rest without blocking.
        await Task.Run(server.Service<ModelRegistry>().Rescan).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [SkippableFact]
    public async Task A_file_the_server_may_not_read_is_reported()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        Skip.If(Environment.UserName == "root", "running as root, whom file modes do not stop");
        await using var server = await ServerWith(folder =>
        {
            string path = TestModels.CopyBundled(folder, "radboud-moons", "locked");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.None);
            TestModels.CopyBundled(folder, "radboud-moons", "good");
        });
        var model = (await Find(server, "locked"))!;
        Assert.Equal(ModelStatus.Failed, model.Status);
        Assert.NotEmpty(model.Error);
        Assert.Equal(ServingStatus.NotServing, await Health(server, "locked"));
        Assert.Equal(ModelStatus.Serving, (await Find(server, "good"))!.Status);
    }

    [Fact]
    public async Task A_model_corrupted_on_disk_while_serving_turns_failed_then_serves_again_when_restored()
    {
        await using var server = await ServerWith(folder =>
        {
            TestModels.CopyBundled(folder, "two_moons-realnvp", "victim");
            TestModels.CopyBundled(folder, "radboud-moons", "bystander");
        });
        string path = TestModels.PathOf(server.ModelsDirectory, "victim");
        byte[] good = File.ReadAllBytes(path);
        string goodSha = Sha256Of(path);
        var before = await SampleOf(server, "victim");
        var bystander = await SampleOf(server, "bystander");

        // Flip bytes in the middle of the served file, in place (same length).
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = good.Length / 2;
            stream.Write(good.AsSpan(good.Length / 2, 16).ToArray().Select(b => (byte)~b).ToArray());
        }
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "victim"))?.Status == ModelStatus.Failed, Rescan), "the corrupted file is still served");
        var failed = (await Find(server, "victim"))!;
        Assert.Contains("checksum mismatch", failed.Error);
        Assert.Equal(Sha256Of(path), failed.Sha256);
        Assert.Equal(ServingStatus.NotServing, await Health(server, "victim"));
        Assert.Equal(StatusCode.FailedPrecondition, (await Rpcs.Failure(() => SampleOf(server, "victim"))).StatusCode);
        Assert.Equal(bystander, await SampleOf(server, "bystander"));

        File.WriteAllBytes(path, good);
        Assert.True(await Rpcs.Eventually(async () => (await Find(server, "victim"))?.Status == ModelStatus.Serving, Rescan), "the restored file is not served");
        Assert.Equal(goodSha, (await Find(server, "victim"))!.Sha256);
        Assert.Equal(ServingStatus.Serving, await Health(server, "victim"));
        Assert.Equal(before, await SampleOf(server, "victim"));
    }
}
