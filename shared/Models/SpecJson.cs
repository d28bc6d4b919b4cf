using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FlowLive.Flows;
using FlowLive.Flows.Bases;

namespace FlowLive.Models;

/// <summary>
/// JSON for specs. Layer and base specs are polymorphic: each object carries a "kind" taken from its
/// <see cref="SpecKindAttribute"/>, found by reflection, so adding a layer needs no list to be edited here.
/// </summary>
public static class SpecJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Every layer kind that model files may name, by kind, e.g. "affine_coupling".</summary>
    public static IReadOnlyDictionary<string, Type> LayerKinds { get; } = KindsOf(typeof(LayerSpec));

    /// <summary>Every base distribution kind, by kind.</summary>
    public static IReadOnlyDictionary<string, Type> BaseKinds { get; } = KindsOf(typeof(BaseSpec));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the JSON is null");

    /// <summary>
    /// A JSON error as "field: problem", the field written as in <see cref="SpecCheck"/> ("spec.flow.layers[0].net",
    /// or under another <paramref name="root"/>, e.g. a request's field), the serializer's wording for nulls, wrong kinds
    /// and wrong value types replaced by plain words.
    /// </summary>
    public static string Describe(Exception e, string root = "spec")
    {
        string message = e.Message;
        string? path = (e as JsonException)?.Path;
        // The serializer's NotSupportedExceptions (a missing "kind") carry the path in their message only.
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            path ??= message[(cut + 7)..].Split(' ', '|')[0].TrimEnd('.');
            message = message[..cut];
        }
        string field = path is { Length: > 0 } ? root + path.TrimStart('$') : root;
        bool isBase = field.EndsWith(".base", StringComparison.Ordinal);
        var kinds = isBase ? BaseKinds : LayerKinds;
        string problem = message switch
        {
            _ when message.Contains("doesn't allow setting null values", StringComparison.Ordinal) => "is null, but a value is needed",
            _ when message.Contains("unrecognized type discriminator", StringComparison.Ordinal) =>
                $"its kind {Quoted(message)} is unknown (known {(isBase ? "bases" : "layers")}: {string.Join(", ", kinds.Keys)})",
            _ when message.Contains("must specify a type discriminator", StringComparison.Ordinal) =>
                $"has no \"kind\" (one of: {string.Join(", ", kinds.Keys)})",
            _ when message.Contains("could not be converted to", StringComparison.Ordinal) =>
                $"has a value of the wrong type ({message.TrimEnd('.')})",
            _ when message.Contains("missing required properties", StringComparison.Ordinal) => message.TrimEnd('.'),
            _ => message,
        };
        return $"{field}: {problem}";
    }

    static string Quoted(string message)
    {
        int start = message.IndexOf('\'');
        int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[start..(end + 1)] : "";
    }

    /// <summary>The kind name of a spec type, e.g. "affine_coupling".</summary>
    public static string KindOf(Type specType) =>
        specType.GetCustomAttribute<SpecKindAttribute>()?.Name
        ?? throw new InvalidOperationException($"{specType.Name} has no [SpecKind] attribute");

    static JsonSerializerOptions CreateOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(AddKinds);
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            // A JSON null where the type has no null is an error naming the field, not a null reference later on.
            RespectNullableAnnotations = true,
            // Hand-edited files may put "kind" anywhere in an object.
            AllowOutOfOrderMetadataProperties = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    static void AddKinds(JsonTypeInfo info)
    {
        var kinds = info.Type == typeof(LayerSpec) ? LayerKinds : info.Type == typeof(BaseSpec) ? BaseKinds : null;
        if (kinds is null) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "kind",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var (kind, type) in kinds)
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, kind));
    }

    static IReadOnlyDictionary<string, Type> KindsOf(Type root)
    {
        var kinds = new SortedDictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in root.Assembly.GetTypes().Where(t => !t.IsAbstract && root.IsAssignableFrom(t)))
        {
            string kind = KindOf(type);
            if (!kinds.TryAdd(kind, type))
                throw new InvalidOperationException($"spec kind '{kind}' is used by both {kinds[kind].Name} and {type.Name}");
        }
        return kinds;
    }
}
