using FlowLive.Models;

namespace FlowLive.Viewer.Headless;

/// <summary>Images written whole: encoded in memory, then one atomic write, so a reader never sees half a file.</summary>
internal static class EncodedFile
{
    public static void Write(string path, Action<Stream> encode)
    {
        using var encoded = new MemoryStream();
        encode(encoded);
        AtomicFile.Write(path, encoded.GetBuffer().AsSpan(0, (int)encoded.Length));
    }
}
