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
            var entry = Load(full);
            seen[full] = Stamp(full);
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
                var entry = Load(path);
                seen[path] = stamp;
                if (current is not null && current.Path == path && current.Sha256 == entry.Sha256 && current.IsServing == entry.IsServing)
                {
                    entry.Retire();
                    continue; // touched, not changed
                }
                Install(entry);
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

    private HostedModel Load(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        string sha = "";
        try
        {
            if (NotOpenable(path, out var file) is { } refusal) return HostedModel.Failed(name, path, sha, refusal);
            sha = Sha256(file.FullName, file.Length);
            var loaded = ModelFile.Load(file.FullName);
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

    /// <summary>
    /// The file a path names: the path itself, or the final target of a link (on Unix a link's own size is that of the
    /// path it holds, and its own time is not the target's, so neither says anything about the model).
    /// </summary>
    private static FileInfo Target(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
    }

    /// <summary>
    /// Why a path is not even opened, or null (then <paramref name="file"/> is the file to read). A pipe blocks whoever
    /// opens it until a writer comes and a device never ends; both report a size of 0, as an empty file (no model
    /// either) does. An oversized file is not read.
    /// </summary>
    private static string? NotOpenable(string path, out FileInfo file)
    {
        try { file = Target(path); }
        catch (IOException e)
        {
            file = new FileInfo(path);
            return new ModelFileException(path, $"is a link that cannot be followed: {e.Message}").Message;
        }
        string? problem = !file.Exists ? "no such file (a dangling link?)"
            : file.Length == 0 ? "is empty, or not a regular file (a pipe or a device): model files are regular files"
            : file.Length > SpecLimits.MaxModelFileBytes ? $"{file.Length:N0} bytes is larger than any FlowLive model ({SpecLimits.MaxModelFileBytes:N0} at most)"
            : null;
        return problem is null ? null : new ModelFileException(path, problem).Message;
    }

    /// <summary>The SHA-256 of the file's first <paramref name="length"/> bytes, reading no more than that.</summary>
    private static string Sha256(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        for (long left = length; left > 0;)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break; // shorter than it said: ModelFile.Load reports that
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>What a rescan compares: the target's time and size (a link retargeted or a target rewritten is a change).</summary>
    private static (DateTime, long) Stamp(string path)
    {
        try
        {
            var info = Target(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        }
        catch (IOException) { return (DateTime.MinValue, -1); }
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
