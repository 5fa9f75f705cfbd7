using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// DCP's own guard for the processes it starts (<c>dcp monitor-process</c>): it polls this process's pid and stops the
/// child once this process is gone, even when it was SIGKILLed. Used for the local processes, and by tests for the
/// servers they start themselves.
/// </summary>
public static class ProcessGuard
{
    private static readonly Lazy<string?> DefaultDcp = new(() =>
        ContainerRuntimeProbe.FindDcp(new ConfigurationBuilder().Build(), Assembly.GetEntryAssembly()));

    /// <summary>
    /// Starts a guard that ends <paramref name="childPid"/> when this process dies; kill the returned guard when the child
    /// is stopped normally. Null when DCP (<paramref name="dcpPath"/>, else the entry assembly's <c>DcpCliPath</c>) or
    /// <c>sh</c> is missing.
    /// </summary>
    public static Process? Watch(int childPid, string? dcpPath = null)
    {
        dcpPath ??= DefaultDcp.Value;
        if (dcpPath is null || !File.Exists(dcpPath) || Binaries.Find("sh") is not { } sh)
        {
            return null;
        }
        // Its output goes to /dev/null, not to a pipe of ours: it logs when this process dies, and a write to a pipe
        // whose reader has died would end it by SIGPIPE before it stops the child.
        var command = string.Create(CultureInfo.InvariantCulture,
            $"exec \"$0\" monitor-process --child {childPid} --monitor {Environment.ProcessId} --monitor-interval 1 </dev/null >/dev/null 2>&1");
        return Process.Start(new ProcessStartInfo(sh, ["-c", command, dcpPath]) { UseShellExecute = false });
    }

    /// <summary>Ends a guard (its child was stopped normally); a guard already gone is fine.</summary>
    public static void Stop(Process? guard)
    {
        try
        {
            if (guard is { HasExited: false })
            {
                guard.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }
    }
}
