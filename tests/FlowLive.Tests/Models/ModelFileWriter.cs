using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowLive.Models;

namespace FlowLive.Tests.Models;

/// <summary>Writes model files with a hand-edited spec but a valid checksum: what a careless (or hostile) editor makes.</summary>
public static class ModelFileWriter
{
    /// <summary>The spec JSON and the weights block of a saved model file.</summary>
    public static (JsonNode Spec, byte[] Weights) Split(string path)
    {
        using var reader = new BinaryReader(new MemoryStream(File.ReadAllBytes(path)));
        reader.ReadBytes(12);
        string json = Encoding.UTF8.GetString(reader.ReadBytes((int)reader.ReadInt64()));
        byte[] weights = reader.ReadBytes((int)reader.ReadInt64());
        return (JsonNode.Parse(json)!, weights);
    }

    /// <summary>Writes <paramref name="json"/> and <paramref name="weights"/> as a model file whose checksum is right.</summary>
    public static void Write(string path, string json, byte[] weights)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("FLOWLIVE"u8);
            writer.Write(ModelFile.FormatVersion);
            byte[] specBytes = Encoding.UTF8.GetBytes(json);
            writer.Write((long)specBytes.Length);
            writer.Write(specBytes);
            writer.Write((long)weights.Length);
            writer.Write(weights);
        }
        body.Write(SHA256.HashData(body.ToArray()));
        File.WriteAllBytes(path, body.ToArray());
    }

    /// <summary>Rewrites the model at <paramref name="path"/> with its spec changed by <paramref name="edit"/>, into <paramref name="target"/>.</summary>
    public static void Edit(string path, string target, Action<JsonNode> edit)
    {
        var (spec, weights) = Split(path);
        edit(spec);
        Write(target, spec.ToJsonString(), weights);
    }
}
