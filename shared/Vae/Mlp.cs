using static TorchSharp.torch;

namespace FlowLive.Vae;

/// <summary>The exercise's networks: Linear layers with ReLU between them and none after the last.</summary>
static class Mlp
{
    public static nn.Module<Tensor, Tensor> Create(long inputs, int hidden, int hiddenLayers, long outputs)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = inputs;
        for (int i = 0; i < hiddenLayers; i++)
        {
            layers.Add(nn.Linear(width, hidden));
            layers.Add(nn.ReLU());
            width = hidden;
        }
        layers.Add(nn.Linear(width, outputs));
        return nn.Sequential(layers);
    }
}
