using FlowLive.Protos.V1;
using static FlowLive.Tests.Server.ServedModels;

namespace FlowLive.Tests.Server;

/// <summary>Interpolate: paths in latent space between two ends, decoded step by step.</summary>
[Collection(ServedModels.Collection)]
public sealed class InterpolateRpcTests(ServedModels served)
{
    static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    Task<List<InterpolateResponse>> Path(InterpolateRequest request) => Rpcs.ReadAll(served.Models.Interpolate(request));

    [Fact]
    public async Task A_linear_path_runs_from_end_to_end_and_each_step_is_its_latents_decoding()
    {
        float[] z0 = [1.5f, -0.5f], z1 = [-1.0f, 2.0f];
        var steps = await Path(new InterpolateRequest { Model = Moons, LatentEnds = WireTensors.Of([.. z0, .. z1], 2, 2), Steps = 9, Kind = InterpolationKind.Linear });
        Assert.Equal(Enumerable.Range(0, 9), steps.Select(s => s.Step));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i / 8.0), steps.Select(s => s.T));
        Assert.Equal(z0, WireTensors.Values(steps[0].Latent));
        Assert.Equal(z1, WireTensors.Values(steps[^1].Latent));
        foreach (var step in steps)
        {
            Assert.Equal([1L, 2L], step.Latent.Shape.ToArray());
            Assert.Equal([1L, 2L], step.Point.Shape.ToArray());
            Assert.Equal([1L], step.LogProb.Shape.ToArray());
            Assert.Empty(step.States);
            var latent = WireTensors.Values(step.Latent);
            for (int i = 0; i < 2; i++) Assert.Equal((1 - step.T) * z0[i] + step.T * z1[i], latent[i], 1e-6);
        }

        var latents = steps.SelectMany(s => WireTensors.Values(s.Latent)).ToArray();
        var decoded = await served.Models.DecodeAsync(new DecodeRequest { Model = Moons, Latents = WireTensors.Of(latents, 9, 2) });
        var points = steps.SelectMany(s => WireTensors.Values(s.Point)).ToArray();
        var expected = WireTensors.Values(decoded.Points);
        for (int i = 0; i < points.Length; i++) Assert.Equal(expected[i], points[i], 1e-5f);
        var logProb = await served.Models.LogProbAsync(new LogProbRequest { Model = Moons, Points = WireTensors.Of(points, 9, 2) });
        var expectedLogProb = WireTensors.Values(logProb.LogProb);
        for (int i = 0; i < 9; i++) Assert.Equal(expectedLogProb[i], WireTensors.Values(steps[i].LogProb)[0], 1e-3f);

        // An unset kind is linear.
        var unset = await Path(new InterpolateRequest { Model = Moons, LatentEnds = WireTensors.Of([.. z0, .. z1], 2, 2), Steps = 9 });
        Assert.Equal(latents, unset.SelectMany(s => WireTensors.Values(s.Latent)));
    }

    [Fact]
    public async Task A_spherical_path_keeps_the_norm_where_a_linear_one_cuts_through_the_middle()
    {
        float[] z0 = [2.0f, 0.0f], z1 = [0.0f, 2.0f];
        var ends = WireTensors.Of([.. z0, .. z1], 2, 2);
        var spherical = await Path(new InterpolateRequest { Model = Moons, LatentEnds = ends, Steps = 11, Kind = InterpolationKind.Spherical });
        var linear = await Path(new InterpolateRequest { Model = Moons, LatentEnds = ends, Steps = 11, Kind = InterpolationKind.Linear });
        Assert.Equal(z0, WireTensors.Values(spherical[0].Latent));
        Assert.Equal(z1, WireTensors.Values(spherical[^1].Latent));
        Assert.All(spherical, s => Assert.Equal(2.0, Norm(WireTensors.Values(s.Latent)), 1e-5));
        Assert.Equal(2.0 / Math.Sqrt(2), Norm(WireTensors.Values(linear[5].Latent)), 1e-5);

        // Ends of different norms: the path's norm stays between them (roughly).
        float[] near = [0.0f, 1.0f], far = [-3.0f, 0.3f];
        var mixed = await Path(new InterpolateRequest { Model = Moons, LatentEnds = WireTensors.Of([.. near, .. far], 2, 2), Steps = 16, Kind = InterpolationKind.Spherical });
        Assert.All(mixed, s => Assert.InRange(Norm(WireTensors.Values(s.Latent)), 0.9 * Norm(near), 1.1 * Norm(far)));
        Assert.Equal(far, WireTensors.Values(mixed[^1].Latent));
    }

    [Fact]
    public async Task Data_ends_are_encoded_and_the_path_decodes_back_to_them()
    {
        float[] x0 = [-0.8f, 0.6f], x1 = [1.9f, -0.3f];
        var steps = await Path(new InterpolateRequest { Model = Moons, DataEnds = WireTensors.Of([.. x0, .. x1], 2, 2), Steps = 5, Kind = InterpolationKind.Spherical, IncludeStates = true });
        Assert.Equal(5, steps.Count);
        var first = WireTensors.Values(steps[0].Point);
        var last = WireTensors.Values(steps[^1].Point);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(x0[i], first[i], 1e-4f);
            Assert.Equal(x1[i], last[i], 1e-4f);
        }
        var encoded = await served.Models.EncodeAsync(new EncodeRequest { Model = Moons, Points = WireTensors.Of(x0, 1, 2) });
        WireTensors.AssertClose(WireTensors.Values(encoded.Latents), WireTensors.Values(steps[0].Latent), 1e-5, "step 0 vs the encoded start");

        int layers = (await served.Models.GetModelAsync(new GetModelRequest { Model = Moons })).Model.Layers.Count;
        foreach (var step in steps)
        {
            Assert.Equal(layers + 1, step.States.Count);
            Assert.Equal(WireTensors.Values(step.Latent), WireTensors.Values(step.States[0]));
            var point = WireTensors.Values(step.Point);
            var state = WireTensors.Values(step.States[^1]);
            for (int i = 0; i < 2; i++) Assert.Equal(point[i], state[i], 1e-5f);
        }
    }

    [Fact]
    public async Task Digits_interpolate_between_images_with_states_of_every_layers_shape()
    {
        var info = (await served.Models.GetModelAsync(new GetModelRequest { Model = Digits })).Model;
        var samples = WireTensors.Values((await Rpcs.ReadAll(served.Models.Sample(new SampleRequest { Model = Digits, Count = 2, Seed = 9, Temperature = 0.7 })))[0].Points);
        var steps = await Path(new InterpolateRequest
        {
            Model = Digits, DataEnds = WireTensors.Of(samples, [2, .. info.DataShape]), Steps = 3, Kind = InterpolationKind.Spherical, IncludeStates = true,
        });
        Assert.Equal(3, steps.Count);
        Assert.Equal([1, .. info.LatentShape], steps[0].Latent.Shape.ToArray());
        Assert.Equal([1, .. info.DataShape], steps[0].Point.Shape.ToArray());
        var first = WireTensors.Values(steps[0].Point);
        for (int i = 0; i < 784; i++) Assert.Equal(samples[i], first[i], 1e-3f);
        Assert.Equal(info.Layers.Count + 1, steps[1].States.Count);
        for (int k = 1; k <= info.Layers.Count; k++)
            Assert.Equal([1, .. info.Layers[k - 1].OutputShape], steps[1].States[k].Shape.ToArray());
    }
}
