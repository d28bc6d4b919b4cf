namespace FlowLive.Training;

/// <summary>
/// Every random number of a run is drawn from a generator seeded by (run seed, purpose, index): step k's batch and
/// noise depend on nothing but the seed and k. So a run stopped and resumed draws exactly what an uninterrupted one
/// would, and no run touches torch's global generator (two runs in one server process cannot race).
/// </summary>
public static class RunSeeds
{
    public const ulong Steps = 1, Epochs = 2, Initialisation = 3, Validation = 4, Test = 5, Snapshots = 6, Data = 7;

    /// <summary>A well-mixed 64-bit seed from the three parts (SplitMix64 finaliser over each).</summary>
    public static ulong Mix(long seed, ulong purpose, long index)
    {
        ulong h = Finalise((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        h = Finalise(h ^ (purpose * 0xBF58476D1CE4E5B9UL));
        return Finalise(h ^ (ulong)index);
    }

    public static TorchSharp.torch.Generator Generator(long seed, ulong purpose, long index = 0) => new(Mix(seed, purpose, index));

    static ulong Finalise(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
