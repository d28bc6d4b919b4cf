namespace FlowLive.Tests.Flows;

/// <summary>Every <see cref="LayerCase"/> in this assembly, by name.</summary>
public static class LayerCaseCatalog
{
    public static readonly IReadOnlyDictionary<string, LayerCase> All = typeof(LayerCaseCatalog).Assembly.GetTypes()
        .Where(t => typeof(ILayerCases).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
        .SelectMany(t => ((ILayerCases)Activator.CreateInstance(t)!).Cases())
        .ToDictionary(c => c.Name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys.Order()) data.Add(name);
        return data;
    }
}
