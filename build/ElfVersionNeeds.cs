// Marks chosen entries of an ELF file's version-needs table (.gnu.version_r) as weak.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so is built with GCC 13 and names GLIBCXX_3.4.32 for a single
// symbol, std::ios_base_library_init, that no relocation uses. Debian 12's libstdc++ stops at 3.4.30, so the
// dynamic loader refuses the whole library. A version need flagged VER_FLG_WEAK (0x2) is allowed to be missing,
// after which the library loads and trains. We patch only the build output's copy, never the NuGet cache.
//
// This file is compiled twice: into the MSBuild task (build/LibTorchSharpLoaderFix.targets) and into the tests,
// which define ELF_PATCH_WITHOUT_MSBUILD to leave the task class out.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace FlowLive.Build
{
    public enum WeakenOutcome { Weakened, AlreadyWeak, NotNeeded }

    public static class ElfVersionNeeds
    {
        const uint SectionTypeGnuVerneed = 0x6ffffffe;
        const ushort VerFlagWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on the version need called <paramref name="versionName"/>; idempotent.</summary>
        public static WeakenOutcome MakeWeak(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            WeakenOutcome outcome = MakeWeak(image, versionName, path);
            if (outcome == WeakenOutcome.Weakened)
            {
                // Write beside and rename, so an interrupted build never leaves a half-written library.
                string temporary = path + ".weakening";
                File.WriteAllBytes(temporary, image);
                File.Replace(temporary, path, destinationBackupFileName: null);
            }
            return outcome;
        }

        /// <summary>In-memory form of <see cref="MakeWeak(string,string)"/>; <paramref name="name"/> is used in errors.</summary>
        public static WeakenOutcome MakeWeak(byte[] image, string versionName, string name = "ELF image")
        {
            foreach (VersionNeed need in Read(image, name))
            {
                if (need.Name != versionName) continue;
                if ((need.Flags & VerFlagWeak) != 0) return WeakenOutcome.AlreadyWeak;
                WriteUInt16(image, need.FlagsOffset, (ushort)(need.Flags | VerFlagWeak));
                return WeakenOutcome.Weakened;
            }
            return WeakenOutcome.NotNeeded;
        }

        /// <summary>Every (file, version, flags) entry of the version-needs table.</summary>
        public static IReadOnlyList<VersionNeed> Read(byte[] image, string name = "ELF image")
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw new InvalidDataException($"{name}: not an ELF file");
            if (image[4] != 2 || image[5] != 1)
                throw new InvalidDataException($"{name}: only 64-bit little-endian ELF is supported");

            ulong sectionTableOffset = ReadUInt64(image, 0x28);
            ushort sectionEntrySize = ReadUInt16(image, 0x3A);
            ushort sectionCount = ReadUInt16(image, 0x3C);
            var needs = new List<VersionNeed>();
            for (int index = 0; index < sectionCount; index++)
            {
                int header = Checked(image, sectionTableOffset + (ulong)(index * sectionEntrySize), 64, name);
                if (ReadUInt32(image, header + 4) != SectionTypeGnuVerneed) continue;

                int tableOffset = Checked(image, ReadUInt64(image, header + 0x18), 16, name);
                uint linkedStrings = ReadUInt32(image, header + 0x28);
                int stringsHeader = Checked(image, sectionTableOffset + linkedStrings * (ulong)sectionEntrySize, 64, name);
                int strings = Checked(image, ReadUInt64(image, stringsHeader + 0x18), 1, name);

                int entry = tableOffset;
                while (true)
                {
                    Checked(image, (ulong)entry, 16, name);
                    ushort auxCount = ReadUInt16(image, entry + 2);
                    string file = ReadString(image, strings + (int)ReadUInt32(image, entry + 4), name);
                    int aux = entry + (int)ReadUInt32(image, entry + 8);
                    for (int k = 0; k < auxCount; k++)
                    {
                        Checked(image, (ulong)aux, 16, name);
                        string version = ReadString(image, strings + (int)ReadUInt32(image, aux + 8), name);
                        needs.Add(new VersionNeed(file, version, ReadUInt16(image, aux + 4), aux + 4));
                        uint nextAux = ReadUInt32(image, aux + 12);
                        if (nextAux == 0) break;
                        aux += (int)nextAux;
                    }
                    uint next = ReadUInt32(image, entry + 12);
                    if (next == 0) break;
                    entry += (int)next;
                }
            }
            return needs;
        }

        static int Checked(byte[] image, ulong offset, int length, string name)
        {
            if (offset + (ulong)length > (ulong)image.Length)
                throw new InvalidDataException($"{name}: truncated ELF (offset {offset} is past the end)");
            return (int)offset;
        }

        static string ReadString(byte[] image, int offset, string name)
        {
            int end = Array.IndexOf(image, (byte)0, offset);
            if (end < 0) throw new InvalidDataException($"{name}: unterminated string in .dynstr");
            return Encoding.ASCII.GetString(image, offset, end - offset);
        }

        static ushort ReadUInt16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
        static uint ReadUInt32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        static ulong ReadUInt64(byte[] b, int o) => ReadUInt32(b, o) | (ulong)ReadUInt32(b, o + 4) << 32;
        static void WriteUInt16(byte[] b, int o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }
    }

    public readonly struct VersionNeed
    {
        public VersionNeed(string file, string name, ushort flags, int flagsOffset)
        {
            File = file; Name = name; Flags = flags; FlagsOffset = flagsOffset;
        }
        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        public int FlagsOffset { get; }
        public bool IsWeak => (Flags & 0x2) != 0;
    }

#if !ELF_PATCH_WITHOUT_MSBUILD
    /// <summary>MSBuild task: weakens <see cref="Version"/> in each of <see cref="Files"/>.</summary>
    public class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                try
                {
                    WeakenOutcome outcome = ElfVersionNeeds.MakeWeak(path, Version);
                    if (outcome == WeakenOutcome.Weakened)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"FlowLive: marked {Version} weak in {path} (Debian 12 loader fix)");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"FlowLive: could not apply the Debian 12 loader fix to {path}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
