using FlowLive.Server.Registry;
using Grpc.Core;

namespace FlowLive.Server.Wire;

/// <summary>
/// Non-finite numbers never leave the server: a model that overflows on some input (an extreme latent, a point far
/// outside its data) answers OUT_OF_RANGE naming the output, instead of streaming NaNs a client would draw as nothing.
/// </summary>
static class Outputs
{
    public static void CheckFinite(float[] values, string field, HostedModel model)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new RpcException(new Status(StatusCode.OutOfRange,
                    $"{field}: model '{model.Name}' gave a non-finite value ({values[i]}) at index {i}; the input is outside what it can map"));
    }
}
