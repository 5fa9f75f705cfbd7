using System.Diagnostics;
using System.Globalization;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// One local process: output captured line by line, stopped with its graceful signal then SIGKILL, and watched by
/// <c>dcp monitor-process</c> so that it dies with the AppHost even when the AppHost is SIGKILLed.
/// </summary>
internal sealed class ChildProcess
{
    private readonly Process _process;
    private readonly StopSignal _stopSignal;
    private Process? _guard;

    private ChildProcess(Process process, StopSignal stopSignal)
    {
        _process = process;
        _stopSignal = stopSignal;
        Exited = WaitAsync();
    }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public Task<int> Exited { get; }

    public static ChildProcess Start(LocalProcessSpec spec, string workingDirectory, Action<string, bool> onLine, string? dcpPath)
    {
        var psi = new ProcessStartInfo(spec.FileName, spec.Args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data, false); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data, true); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, spec.StopSignal);
        child._guard = StartGuard(dcpPath, process.Id);
        return child;
    }

    // DCP's own guard for the processes it starts: it polls the AppHost's pid and stops the child when it is gone.
    // Its output goes to /dev/null, not to a pipe of ours: it logs when the AppHost dies, and a write to a pipe whose
    // reader has died would end it by SIGPIPE before it stops the child.
    private static Process? StartGuard(string? dcpPath, int childPid)
    {
        if (dcpPath is null || !File.Exists(dcpPath) || Binaries.Find("sh") is not { } sh)
        {
            return null;
        }
        var command = string.Create(CultureInfo.InvariantCulture,
            $"exec \"$0\" monitor-process --child {childPid} --monitor {Environment.ProcessId} --monitor-interval 1 </dev/null >/dev/null 2>&1");
        return Process.Start(new ProcessStartInfo(sh, ["-c", command, dcpPath]) { UseShellExecute = false });
    }

    // The Exited event, not WaitForExitAsync: the latter also waits for EOF on stdout/stderr, which never comes while
    // a grandchild still holds the pipe.
    private async Task<int> WaitAsync()
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.Exited += (_, _) => exited.TrySetResult();
        if (_process.HasExited)
        {
            exited.TrySetResult();
        }
        await exited.Task.ConfigureAwait(false);
        // Let the last output lines arrive (they matter for a crash report), without waiting on a held pipe.
        await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        TryKill(_guard, entireProcessTree: false);
        return _process.ExitCode;
    }

    /// <summary>
    /// Graceful signal; after <paramref name="grace"/>, SIGKILL to the process and its descendants (a program that
    /// stops cleanly stops its own children first: postgres its backends).
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, _stopSignal == StopSignal.Interrupt ? Signals.SigInt : Signals.SigTerm);
            if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
            {
                TryKill(_process, entireProcessTree: true);
            }
            await Exited.ConfigureAwait(false);
        }
        TryKill(_guard, entireProcessTree: false);
    }

    private static void TryKill(Process? process, bool entireProcessTree)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }
    }
}
