namespace FlowLive.Models;

/// <summary>
/// One kind of <see cref="ModelContainer"/> file: its 8-byte ASCII <paramref name="Magic"/> (so no kind can be mistaken
/// for another), the one format <paramref name="Version"/> this FlowLive reads, and the words its errors use:
/// "not a FlowLive <paramref name="Noun"/>" and "this FlowLive reads <paramref name="VersionWording"/> <paramref name="Version"/>"
/// (e.g. "model" and "version" for flows, "VAE" and "VAE files of version" for VAEs).
/// </summary>
public sealed record ContainerFormat(string Magic, uint Version, string Noun, string VersionWording)
{
    // Computed, not stored: a copy made with `with { Magic = ... }` must not keep the old bytes.
    internal byte[] MagicBytes => System.Text.Encoding.ASCII.GetBytes(Magic);
}
