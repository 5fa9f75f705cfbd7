using System.Diagnostics;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// One local process: output captured line by line, stopped with its graceful signal then SIGKILL, and watched by
/// <c>dcp monitor-process</c> so that it dies with the AppHost even when the AppHost is SIGKILLed.
/// </summary>
internal sealed class ChildProcess
{
    private readonly Process _process;
    private readonly StopSignal _stopSignal;
    private readonly HashSet<string> _closedWhenLogged;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private Process? _guard;

    private ChildProcess(Process process, LocalProcessSpec spec)
    {
        _process = process;
        _stopSignal = spec.StopSignal;
        _closedWhenLogged = [.. spec.ClosedWhenLogged];
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
        ChildProcess? child = null;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { child?.OnLine(e.Data); onLine(e.Data, false); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { child?.OnLine(e.Data); onLine(e.Data, true); } };
        process.Start();
        // Created once started: it watches the process's exit from the start.
        child = new ChildProcess(process, spec);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child._guard = ProcessGuard.Watch(process.Id, dcpPath);
        return child;
    }

    private void OnLine(string line)
    {
        if (!_stopping || _closedWhenLogged.Count == 0)
        {
            return;
        }
        lock (_closedWhenLogged)
        {
            if (_closedWhenLogged.RemoveWhere(line.Contains) > 0 && _closedWhenLogged.Count == 0)
            {
                _closed.TrySetResult();
            }
        }
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
        ProcessGuard.Stop(_guard);
        return _process.ExitCode;
    }

    /// <summary>
    /// Graceful signal; after <paramref name="grace"/> (or once it has logged its <see cref="LocalProcessSpec.ClosedWhenLogged"/>
    /// lines), SIGKILL to the process and its descendants (a program that stops cleanly stops its own children first:
    /// postgres its backends).
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _stopping = true;
            Signals.Send(_process.Id, _stopSignal == StopSignal.Interrupt ? Signals.SigInt : Signals.SigTerm);
            // _closed completes only for a program with ClosedWhenLogged lines, once it has logged them all.
            if (await Task.WhenAny(Exited, _closed.Task, Task.Delay(grace)).ConfigureAwait(false) != Exited)
            {
                TryKill(_process, entireProcessTree: true);
            }
            await Exited.ConfigureAwait(false);
        }
        ProcessGuard.Stop(_guard);
    }

    /// <summary>Whether a process exists and has not exited (a zombie, exited but not yet reaped by its parent, has).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
