using System.Runtime.InteropServices;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>The graceful stop signals (.NET can send only SIGKILL), and kill(2).</summary>
internal static partial class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    public static void Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { }
            return;
        }
        _ = SysKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);
}
