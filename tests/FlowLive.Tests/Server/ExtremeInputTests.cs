using FlowLive.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using static FlowLive.Tests.Server.ServedModels;
using Client = FlowLive.Protos.V1.ModelService.ModelServiceClient;

namespace FlowLive.Tests.Server;

/// <summary>
/// Inputs that are finite but far outside what a model maps: every rpc either answers with finite numbers only or
/// answers OUT_OF_RANGE naming the output that overflowed. Never NaN on the wire, never an UNKNOWN status.
/// </summary>
[Collection(ServedModels.Collection)]
public sealed class ExtremeInputTests(ServedModels served)
{
    static Tensor Far(float value, int n = 2) => WireTensors.Of(Enumerable.Repeat(value, 2 * n).ToArray(), n, 2);

    static readonly Dictionary<string, Func<Client, Task<IReadOnlyList<IMessage>>>> Calls = new()
    {
        ["Decode moons latents 3e38"] = async c => [await c.DecodeAsync(new DecodeRequest { Model = Moons, Latents = Far(3e38f) })],
        ["Decode moons latents 1e18"] = async c => [await c.DecodeAsync(new DecodeRequest { Model = Moons, Latents = Far(1e18f) })],
        ["Encode moons points 3e38"] = async c => [await c.EncodeAsync(new EncodeRequest { Model = Moons, Points = Far(3e38f) })],
        ["Encode moons points 1e18"] = async c => [await c.EncodeAsync(new EncodeRequest { Model = Moons, Points = Far(1e18f) })],
        ["LogProb moons points 3e38"] = async c => [await c.LogProbAsync(new LogProbRequest { Model = Moons, Points = Far(3e38f) })],
        ["LogProb moons points -1e18"] = async c => [await c.LogProbAsync(new LogProbRequest { Model = Moons, Points = Far(-1e18f) })],
        ["LogProb iresnet points 3e38"] = async c => [await c.LogProbAsync(new LogProbRequest { Model = IResNet, Points = Far(3e38f) })],
        ["Encode iresnet points 1e18"] = async c => [await c.EncodeAsync(new EncodeRequest { Model = IResNet, Points = Far(1e18f) })],
        ["Decode iresnet latents 3e38"] = async c => [await c.DecodeAsync(new DecodeRequest { Model = IResNet, Latents = Far(3e38f) })],
        ["Decode planar latents 3e38"] = async c => [await c.DecodeAsync(new DecodeRequest { Model = Planar, Latents = Far(3e38f) })],
        ["Trace moons points 3e38"] = async c => [.. await Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Moons, Points = Far(3e38f), IncludeLogDet = true }))],
        ["Trace moons latents 3e38"] = async c => [.. await Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Moons, Latents = Far(3e38f), IncludeLogDet = true }))],
        ["Trace moons points 1e18"] = async c => [.. await Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Moons, Points = Far(1e18f), IncludeLogDet = true }))],
        ["Interpolate moons latents 3e38"] = async c => [.. await Rpcs.ReadAll(c.Interpolate(new InterpolateRequest
            { Model = Moons, LatentEnds = WireTensors.Of([3e38f, 3e38f, -3e38f, 3e38f], 2, 2), Steps = 3, Kind = InterpolationKind.Spherical, IncludeStates = true }))],
        ["Interpolate moons data 3e38"] = async c => [.. await Rpcs.ReadAll(c.Interpolate(new InterpolateRequest { Model = Moons, DataEnds = Far(3e38f), Steps = 3 }))],
        ["Sample digits at temperature 10"] = async c => [.. await Rpcs.ReadAll(c.Sample(new SampleRequest { Model = Digits, Count = 2, Temperature = 10, IncludeLogProb = true }))],
        ["Trace digits at temperature 10"] = async c => [.. await Rpcs.ReadAll(c.Trace(new TraceRequest { Model = Digits, Count = 1, Temperature = 10, IncludeLogDet = true }))],
    };

    public static TheoryData<string> Cases() => new(Calls.Keys);

    static readonly string[] OutputFields = ["points", "latents", "log_det", "log_prob", "state", "latent", "point", "states"];

    [Theory, MemberData(nameof(Cases))]
    public async Task Finite_numbers_or_out_of_range_naming_the_output(string name)
    {
        IReadOnlyList<IMessage> responses;
        try
        {
            responses = await Calls[name](served.Models);
        }
        catch (RpcException e)
        {
            Assert.True(e.StatusCode == StatusCode.OutOfRange, $"{name}: {e.StatusCode} \"{e.Status.Detail}\"");
            Assert.Contains(OutputFields, f => e.Status.Detail.StartsWith(f + ": "));
            Assert.Contains("non-finite", e.Status.Detail);
            return;
        }
        foreach (var response in responses) AssertFinite(response, name);
    }

    /// <summary>Every float of every tensor in <paramref name="message"/>, nested messages included.</summary>
    static void AssertFinite(IMessage message, string where)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message) continue;
            var value = field.Accessor.GetValue(message);
            var children = field.IsRepeated ? ((System.Collections.IEnumerable)value).Cast<IMessage>() : value is IMessage one ? [one] : [];
            foreach (var child in children)
            {
                if (child is Tensor tensor)
                    Assert.True(WireTensors.Values(tensor).All(float.IsFinite), $"{where}: {field.Name} carries a non-finite value");
                else AssertFinite(child, $"{where}.{field.Name}");
            }
        }
    }
}
