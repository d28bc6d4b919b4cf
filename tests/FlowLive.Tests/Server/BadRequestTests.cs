using FlowLive.Protos.V1;

namespace FlowLive.Tests.Server;

/// <summary>Every bad request of <see cref="BadRequestTable"/> answers its status with a message naming the field or cap.</summary>
[Collection(ServedModels.Collection)]
public sealed class BadRequestTests(ServedModels served)
{
    public static TheoryData<string, Grpc.Core.StatusCode, string, string> Table()
    {
        var data = new TheoryData<string, Grpc.Core.StatusCode, string, string>();
        foreach (var row in BadRequestTable.All) data.Add(row.Name, row.Code, row.Field, row.Mentions);
        return data;
    }

    [Theory, MemberData(nameof(Table))]
    public async Task A_bad_request_answers_its_status_naming_the_field_or_cap(string name, Grpc.Core.StatusCode code, string field, string mentions)
    {
        var row = BadRequestTable.All.Single(r => r.Name == name);
        var error = await Rpcs.Failure(() => row.Call(served.Models));
        Assert.True(code == error.StatusCode, $"{name}: expected {code}, got {error.StatusCode} \"{error.Status.Detail}\"");
        if (field.Length > 0) Assert.StartsWith(field + ": ", error.Status.Detail);
        Assert.Contains(mentions, error.Status.Detail);
    }

    [Fact]
    public void Every_row_has_its_own_name() =>
        Assert.Equal(BadRequestTable.All.Count, BadRequestTable.All.Select(r => r.Name).Distinct().Count());

    [Fact]
    public async Task The_server_still_serves_after_every_bad_request()
    {
        foreach (var row in BadRequestTable.All)
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => row.Call(served.Models));
        var response = await served.Models.GetModelAsync(new GetModelRequest { Model = ServedModels.Moons });
        Assert.Equal(ModelStatus.Serving, response.Model.Status);
        var samples = await Rpcs.ReadAll(served.Models.Sample(new SampleRequest { Model = ServedModels.Moons, Count = 5 }));
        Assert.Equal(10, WireTensors.Values(Assert.Single(samples).Points).Length);
        Assert.Equal(0, served.Server.Service<FlowLive.Server.Compute.ComputeScheduler>().Depth);
    }
}
