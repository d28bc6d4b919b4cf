using System.Diagnostics;
using Silk.NET.OpenGL;

namespace FlowLive.Viewer.Graphics;

/// <summary>A GL call failed; the message names the step and the GL error codes.</summary>
public sealed class GlException(string message) : Exception(message);

/// <summary>
/// glGetError after setup steps (creating objects, allocating storage, uploads of new sizes), where a failure means a
/// bug or an exhausted driver and should stop with its name rather than show a black window. Per-frame draws are
/// checked only in Debug builds: glGetError synchronises with the driver.
/// </summary>
internal static class GlErrors
{
    public static void Check(GL gl, string step)
    {
        List<string>? errors = null;
        // GL may queue several flags; read until clear (bounded: a lost context can report errors forever).
        for (int i = 0; i < 16; i++)
        {
            var error = (ErrorCode)gl.GetError();
            if (error == ErrorCode.NoError) break;
            (errors ??= []).Add(error.ToString());
        }
        if (errors is not null) throw new GlException($"OpenGL error {string.Join(", ", errors)} after {step}");
    }

    [Conditional("DEBUG")]
    public static void CheckInDebug(GL gl, string step) => Check(gl, step);
}
