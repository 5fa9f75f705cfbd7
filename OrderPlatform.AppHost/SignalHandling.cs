using System.Globalization;
using System.Runtime.InteropServices;

/// <summary>
/// A script that starts the AppHost in the background (<c>dotnet run … &amp;</c> in a non-interactive shell) hands it
/// SIGINT ignored, and .NET keeps ignoring an inherited SIGINT, so <c>kill -INT</c> (what IDEs and scripts send) would
/// leave the whole system running. Where that is so, SIGINT goes back to its default action: the AppHost ends at once
/// and DCP and the local-process guards, which watch its pid, stop everything it started.
/// </summary>
internal static partial class SignalHandling
{
    private const int SigInt = 2;

    public static void StopOnSigIntEvenWhenInheritedIgnored()
    {
        if (OperatingSystem.IsLinux() && IgnoredSignals() is { } ignored && (ignored & (1UL << (SigInt - 1))) != 0)
        {
            _ = Signal(SigInt, 0);
        }
    }

    private static ulong? IgnoredSignals()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is null ? null : ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
