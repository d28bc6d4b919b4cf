using System.Collections;
using System.Reflection;
using System.Text.Json;
using FlowLive.Flows.Bases;
using FlowLive.Flows.Layers;
using FlowLive.Flows.Nets;

namespace FlowLive.Flows;

/// <summary>One thing wrong with a spec: the field, as its JSON path (e.g. "flow.layers[3].net.hidden"), and why.</summary>
public sealed record SpecProblem(string Field, string Problem)
{
    public override string ToString() => $"{Field}: {Problem}";
}

/// <summary>
/// Checks a spec read from outside (a model file, a request) before anything is built from it, so that a hand-edited
/// or hostile spec cannot make FlowLive allocate without bound: every field present (no JSON nulls where a value is
/// needed), every enum a known value, every number finite, every shape [D] or [C, H, W] with positive sizes, and every
/// size within <see cref="SpecLimits"/>. Walks any spec record by reflection, so new layer kinds are covered without
/// being listed; layer-specific caps (hidden width, bins, iterations) go by the property's type and name.
/// <see cref="MinimumWeights"/> gives a lower bound on the weights a spec implies, to compare with what a file stores.
/// </summary>
public static class SpecCheck
{
    /// <summary>The first problem found in <paramref name="spec"/> (walked as the field <paramref name="root"/>), or null.</summary>
    public static SpecProblem? FirstProblem(object spec, string root = "spec")
    {
        var walk = new Walk();
        return walk.Visit(spec, root, spec.GetType(), nullable: false);
    }

    /// <summary>
    /// A lower bound on the number of weight values a flow built from <paramref name="spec"/> holds: conditioner networks
    /// count at least (depth - 1) hidden x hidden + 2 hidden, LU matrices 2 n^2, learnable elementwise layers one value per
    /// element. Only call it on a spec <see cref="FirstProblem"/> accepts (the caps keep the arithmetic in range).
    /// </summary>
    public static long MinimumWeights(FlowSpec spec) => MinimumWeightsByPart(spec).Sum(part => part.Weights);

    /// <summary>
    /// <see cref="MinimumWeights"/> part by part: the base ("flow.base") and each layer ("flow.layers[i]"), so a refusal
    /// can name the field that asks for the most.
    /// </summary>
    public static IReadOnlyList<(string Field, long Weights)> MinimumWeightsByPart(FlowSpec spec, string root = "spec.flow") =>
        [($"{root}.base", MinimumWeights(spec.Base)), .. spec.Layers.Select((layer, i) => ($"{root}.layers[{i}]", MinimumWeights(layer)))];

    static long MinimumWeights(BaseSpec spec) => spec switch
    {
        DiagonalGaussianSpec { Learnable: true } d => 2 * d.Shape.Size,
        GaussianMixtureSpec { Learnable: true } m => m.Means.Length * (2 * m.Shape.Size + 1),
        _ => 0,
    };

    static long MinimumWeights(LayerSpec spec)
    {
        long own = spec switch
        {
            FactorOutSpec f => f.Inner.Sum(MinimumWeights),
            InvertibleLinearSpec l => Lu(Math.Max(l.Permutation.Length, l.Shape[0])),
            InvertibleConv1x1Spec c => Lu(Math.Max(c.Permutation.Length, c.Shape[0])),
            PiecewiseLinearSpec p => p.Shape.Size * p.Bins,
            ScaleSpec { Learnable: true } s => s.Shape.Size,
            TranslateSpec { Learnable: true } t => t.Shape.Size,
            ActNormSpec a => 2 * a.Shape[0],
            BatchNormFlowSpec b => 2 * b.Shape[0],
            _ => 0,
        };
        long nets = spec.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(SubnetSpec))
            .Select(p => (SubnetSpec?)p.GetValue(spec))
            .Sum(net => net is null ? 0 : (long)(net.Depth - 1) * net.Hidden * net.Hidden + 2L * net.Hidden);
        return own + nets;
    }

    static long Lu(long n) => 2 * n * n;

    sealed class Walk
    {
        readonly NullabilityInfoContext nullability = new();
        int layers;

        public SpecProblem? Visit(object? value, string field, Type type, bool nullable)
        {
            if (value is null)
                return nullable ? null : new(field, "is missing or null");
            switch (value)
            {
                case string:
                    return null;
                case Shape shape:
                    return ShapeProblem(shape, field);
                case double d:
                    return double.IsFinite(d) ? null : new(field, $"must be a finite number, got {d}");
                case Enum e:
                    return Enum.IsDefined(e.GetType(), e) ? null
                        : new(field, $"{Convert.ToInt64(e)} is not one of: {string.Join(", ", Enum.GetNames(e.GetType()).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName))}");
                case IDictionary:
                    return null; // metrics: free-form figures
                case IEnumerable items:
                    return Items(items, field);
            }
            if (value is LayerSpec && ++layers > SpecLimits.MaxLayers)
                return new(field, $"a flow has at most {SpecLimits.MaxLayers} layers (counting those inside factor-outs)");
            if (type.IsPrimitive || !IsSpecType(value.GetType())) return null;
            foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
                string name = $"{field}.{JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name)}";
                object? child = property.GetValue(value);
                if (child is int number && IntegerProblem(value, property.Name, number, name) is { } wrong) return wrong;
                bool mayBeNull = nullability.Create(property).ReadState == NullabilityState.Nullable;
                if (Visit(child, name, property.PropertyType, mayBeNull) is { } problem) return problem;
            }
            return null;
        }

        SpecProblem? Items(IEnumerable items, string field)
        {
            int index = 0;
            foreach (var item in items)
            {
                if (index >= SpecLimits.MaxElementsPerSample)
                    return new(field, $"has more than {SpecLimits.MaxElementsPerSample:N0} entries");
                if (Visit(item, $"{field}[{index}]", item?.GetType() ?? typeof(object), nullable: false) is { } problem) return problem;
                index++;
            }
            return null;
        }

        static bool IsSpecType(Type type) => type.Namespace?.StartsWith("FlowLive", StringComparison.Ordinal) == true;

        static SpecProblem? ShapeProblem(Shape shape, string field)
        {
            if (shape.Rank > SpecLimits.MaxRank)
                return new(field, $"a shape is [D] or [C, H, W], got {shape}");
            long size = 1;
            foreach (long d in shape.Dims)
            {
                if (d > SpecLimits.MaxElementsPerSample || (size *= d) > SpecLimits.MaxElementsPerSample)
                    return new(field, $"{shape} has more than {SpecLimits.MaxElementsPerSample:N0} values per sample");
            }
            return null;
        }

        static SpecProblem? IntegerProblem(object owner, string property, int value, string field)
        {
            (int low, int high)? range = (owner, property) switch
            {
                (SubnetSpec, nameof(SubnetSpec.Hidden)) => (1, SpecLimits.MaxHidden),
                (SubnetSpec, nameof(SubnetSpec.Depth)) => (1, SpecLimits.MaxDepth),
                (_, "Bins") => (1, SpecLimits.MaxBins),
                (_, "Probes") => (1, SpecLimits.MaxProbes),
                (_, "PowerIterations" or "MaxIterations" or "SeriesTerms") => (1, SpecLimits.MaxIterations),
                _ => null,
            };
            return range is var (low, high) && (value < low || value > high)
                ? new(field, $"must be between {low} and {high:N0}, got {value:N0}")
                : null;
        }
    }
}
