using System.Collections.Concurrent;
using System.Security.Cryptography;
using FlowLive.Flows;
using FlowLive.Models;
using FlowLive.Server.Wire;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace FlowLive.Server.Registry;

/// <summary>
/// The models the server hosts: every ".flow" file of the bundled folder, the models folder and the jobs folder, by
/// file name (a later folder's file wins over an earlier one's of the same name). Loads them all at start, then
/// rescans every few seconds: a new file is loaded, a changed one (its SHA-256 differs) reloaded, a removed one
/// dropped. A file that cannot be loaded, or whose flow gives non-finite outputs, is kept as a failed entry: logged,
/// listed with its error, NOT_SERVING in health, while every other model serves.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, HostedModel> models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTime Written, long Length)> seen = new(StringComparer.Ordinal);
    private readonly object scanGate = new();
    private readonly IReadOnlyList<string> folders;
    private readonly Device device;
    private readonly HealthServiceImpl health;
    private readonly ILogger<ModelRegistry> log;
    private Timer? timer;

    public ModelRegistry(IOptions<ServerOptions> options, HealthServiceImpl health, ILogger<ModelRegistry> log)
    {
        var settings = options.Value;
        this.health = health;
        this.log = log;
        device = Devices.DeviceChoice.Resolve(settings.Device);
        var list = new List<string>();
        if (settings.IncludeBundled) list.Add(BundledModels.Directory);
        if (settings.ModelsDirectory is { Length: > 0 } dir) list.Add(Path.GetFullPath(dir));
        list.Add(JobsFolder(settings));
        folders = list.Distinct(StringComparer.Ordinal).ToList();
        ReloadInterval = TimeSpan.FromSeconds(Math.Max(0.1, settings.ReloadSeconds));
    }

    /// <summary>Where finished training jobs write their models (always one of the scanned folders).</summary>
    public static string JobsFolder(ServerOptions settings) =>
        Path.GetFullPath(settings.JobsDirectory is { Length: > 0 } jobs ? jobs
            : settings.ModelsDirectory is { Length: > 0 } dir ? dir
            : Path.Combine(Path.GetTempPath(), $"flowlive-jobs-{Environment.ProcessId}"));

    public TimeSpan ReloadInterval { get; }
    public IReadOnlyList<string> Folders => folders;
    public Device Device => device;

    /// <summary>Fired after a scan that added, replaced or removed a model (for metrics and tests).</summary>
    public event Action? Changed;

    /// <summary>Every hosted model, serving or failed, in name order.</summary>
    public IReadOnlyList<HostedModel> All => models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    /// <summary>Loads every model now and starts watching the folders.</summary>
    public void Start()
    {
        Rescan();
        timer = new Timer(_ => SafeRescan(), null, ReloadInterval, ReloadInterval);
    }

    /// <summary>
    /// The serving model called <paramref name="name"/>, leased: NOT_FOUND when there is none, FAILED_PRECONDITION when
    /// it failed to load. Dispose the lease when the work with it is done.
    /// </summary>
    public (HostedModel Model, IDisposable Lease) Lease(string name)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var model = Get(name);
            if (!model.IsServing) throw Problems.Precondition($"model '{name}' is not serving: {model.Error}");
            if (model.TryLease() is { } lease) return (model, lease);
        }
        throw Problems.Unavailable($"model '{name}' is being reloaded; retry");
    }

    /// <summary>The model called <paramref name="name"/> (serving or failed), or NOT_FOUND naming the field "model".</summary>
    public HostedModel Get(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw Problems.Invalid("model", "is required (see ListModels)");
        return models.TryGetValue(name, out var model) ? model
            : throw Problems.NotFound("model", name, $"{models.Count} models are hosted; see ListModels");
    }

    public bool Contains(string name) => models.ContainsKey(name);

    /// <summary>Loads (or reloads) one file now, e.g. a training job's finished model; returns its entry.</summary>
    public HostedModel LoadNow(string path)
    {
        lock (scanGate)
        {
            var full = Path.GetFullPath(path);
            var stamp = Stamp(full);
            var entry = Load(full, Read(full));
            seen[full] = stamp;
            Install(entry);
            Changed?.Invoke();
            return entry;
        }
    }

    /// <summary>One pass over the folders: new files load, changed files reload, removed files go.</summary>
    public void Rescan()
    {
        lock (scanGate)
        {
            bool changed = false;
            var present = new Dictionary<string, string>(StringComparer.Ordinal); // name -> path, later folders win
            foreach (var folder in folders)
            {
                if (!Directory.Exists(folder)) continue;
                foreach (var file in Directory.EnumerateFiles(folder, "*" + ModelFile.Extension).Order(StringComparer.Ordinal))
                {
                    var name = Path.GetFileNameWithoutExtension(file);
                    if (present.TryGetValue(name, out var earlier))
                        log.LogWarning("model {Name}: {Path} hides {Earlier}", name, file, earlier);
                    present[name] = Path.GetFullPath(file);
                }
            }
            foreach (var (name, path) in present)
            {
                var stamp = Stamp(path);
                bool known = models.TryGetValue(name, out var current) && current.Path == path
                             && seen.TryGetValue(path, out var last) && last == stamp;
                if (known) continue;
                var file = Read(path);
                seen[path] = stamp;
                // Touched, not changed: the same bytes would load the same way (or fail to be read again).
                if (current is not null && current.Path == path && current.Sha256 == file.Sha256) continue;
                Install(Load(path, file));
                changed = true;
            }
            foreach (var name in models.Keys.Except(present.Keys).ToList())
            {
                if (models.TryRemove(name, out var gone))
                {
                    log.LogInformation("model {Name}: {Path} is gone; no longer served", name, gone.Path);
                    gone.Retire();
                    health.ClearStatus(name);
                    changed = true;
                }
            }
            if (changed) Changed?.Invoke();
        }
    }

    private void SafeRescan()
    {
        try { Rescan(); }
        catch (Exception e) { log.LogError(e, "rescanning the models folders failed"); }
    }

    private void Install(HostedModel entry)
    {
        models.AddOrUpdate(entry.Name, entry, (_, old) =>
        {
            if (!ReferenceEquals(old, entry)) old.Retire();
            return entry;
        });
        health.SetStatus(entry.Name, entry.IsServing ? HealthCheckResponse.Types.ServingStatus.Serving
            : HealthCheckResponse.Types.ServingStatus.NotServing);
        if (entry.IsServing)
            log.LogInformation("model {Name}: serving {Path} ({Layers} layers, data {Shape}, sha256 {Sha})",
                entry.Name, entry.Path, entry.Flow.LayerCount, entry.DataShape, entry.Sha256[..12]);
        else
            log.LogError("model {Name}: not serving {Path}: {Error}", entry.Name, entry.Path, entry.Error);
    }

    /// <summary>A model file's bytes and their SHA-256 (read once: the hash is that of the weights served), or why it cannot be read.</summary>
    private sealed record FileRead(byte[]? Bytes, string Sha256, string? Error);

    private static FileRead Read(string path)
    {
        try
        {
            var bytes = ModelFile.ReadBytes(path);
            return new FileRead(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), null);
        }
        catch (ModelFileException e)
        {
            return new FileRead(null, "", e.Message);
        }
    }

    private HostedModel Load(string path, FileRead file)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        string sha = file.Sha256;
        if (file.Bytes is not { } bytes) return HostedModel.Failed(name, path, sha, file.Error!);
        try
        {
            var loaded = ModelFile.Load(path, bytes);
            try
            {
                if (device.type != TorchSharp.DeviceType.CPU) loaded.Flow.To(device);
                if (ModelHealth.Problem(loaded.Flow) is { } problem)
                {
                    loaded.Dispose();
                    return HostedModel.Failed(name, path, sha, problem);
                }
                return HostedModel.Serving(name, path, sha, loaded);
            }
            catch
            {
                loaded.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is ModelFileException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return HostedModel.Failed(name, path, sha, e.Message);
        }
        catch (Exception e)
        {
            return HostedModel.Failed(name, path, sha, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>What a rescan compares: the target's time and size (a link retargeted or a target rewritten is a change).</summary>
    private static (DateTime, long) Stamp(string path)
    {
        try
        {
            var info = ModelContainer.Target(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        catch (Exception e) when (e is ModelFileException or IOException) { return (DateTime.MinValue, -1); }
    }

    public void Dispose()
    {
        timer?.Dispose();
        lock (scanGate)
        {
            foreach (var model in models.Values) model.Retire();
            models.Clear();
        }
    }
}
