using static TorchSharp.torch;

namespace FlowLive.Flows.Nets;

/// <summary>
/// The dense (matrix-product) layers of a model, whatever their class: nn.Linear, <see cref="NarrowLinear"/>, MADE's
/// masked and i-ResNet's spectral layers all hold a 2-D "weight" [outputs, inputs]. For FLOP counts and thread choices.
/// </summary>
public static class DenseLayers
{
    public static IEnumerable<(long Inputs, long Outputs)> Shapes(nn.Module model) =>
        from module in model.modules()
        from p in module.named_parameters(recurse: false)
        where p.name == "weight" && p.parameter.ndim == 2
        select (p.parameter.shape[1], p.parameter.shape[0]);
}
