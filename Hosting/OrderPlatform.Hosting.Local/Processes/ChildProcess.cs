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
        var psi = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? workingDirectory,
        };
        foreach (var a in spec.Args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in spec.Environment)
        {
            psi.Environment[k] = v;
        }
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
    private static Process? StartGuard(string? dcpPath, int childPid)
    {
        if (dcpPath is null || !File.Exists(dcpPath))
        {
            return null;
        }
        var psi = new ProcessStartInfo(dcpPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "monitor-process", "--child", childPid.ToString(CultureInfo.InvariantCulture),
            "--monitor", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--monitor-interval", "1" })
        {
            psi.ArgumentList.Add(a);
        }
        var guard = Process.Start(psi);
        guard?.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        guard?.StandardError.BaseStream.CopyToAsync(Stream.Null);
        return guard;
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
        StopGuard();
        return _process.ExitCode;
    }

    /// <summary>Graceful signal, SIGKILL after <paramref name="grace"/>; descendants seen before the signal are killed too.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var descendants = ProcessTree.Descendants(_process.Id);
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, _stopSignal == StopSignal.Interrupt ? Signals.SigInt : Signals.SigTerm);
            if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
            {
                Signals.Send(_process.Id, Signals.SigKill);
            }
            await Exited.ConfigureAwait(false);
        }
        foreach (var pid in descendants.Concat(ProcessTree.Descendants(_process.Id)).Distinct())
        {
            Signals.Send(pid, Signals.SigKill);
        }
        StopGuard();
    }

    private void StopGuard()
    {
        try
        {
            if (_guard is { HasExited: false })
            {
                _guard.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
