using System.Diagnostics;
using System.Runtime.InteropServices;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>
/// One child process: started from a <see cref="LaunchSpec"/>, output captured line by line, stopped with the
/// resource's graceful signal and then SIGKILL after a grace period, and recorded in a pid file so the next AppHost
/// start can reap it if this AppHost is killed hard.
/// </summary>
internal sealed partial class ManagedProcess
{
    private readonly Process _process;
    private readonly LaunchSpec _spec;
    private readonly string? _pidFile;

    private ManagedProcess(Process process, LaunchSpec spec, string? pidFile)
    {
        _process = process;
        _spec = spec;
        _pidFile = pidFile;
    }

    public int Id => _process.Id;

    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    public static ManagedProcess Start(LaunchSpec spec, string? pidFile, Action<string, bool> onLine)
    {
        var psi = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
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
        var managed = new ManagedProcess(process, spec, pidFile);
        managed.Exited = managed.WaitAsync();
        if (pidFile is not null)
        {
            PidFiles.Write(pidFile, process.Id);
        }
        return managed;
    }

    // The Exited event, not WaitForExitAsync: the latter also waits for EOF on stdout/stderr, which never comes while
    // a grandchild (sh -c "sleep ...") still holds the pipe.
    private async Task<int> WaitAsync()
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.Exited += (_, _) => exited.TrySetResult();
        if (_process.HasExited)
        {
            exited.TrySetResult();
        }
        await exited.Task.ConfigureAwait(false);
        // Let the last output lines arrive (they matter for the crash report), without waiting on a held pipe.
        await Task.WhenAny(_process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        if (_pidFile is not null)
        {
            PidFiles.Delete(_pidFile);
        }
        return _process.ExitCode;
    }

    /// <summary>
    /// Graceful signal to the process, then SIGKILL after <paramref name="grace"/>; descendants seen before the
    /// signal are killed too, so nothing it spawned outlives it.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var descendants = ProcessTree.Descendants(_process.Id);
        if (!_process.HasExited)
        {
            Signal(_process.Id, _spec.StopSignal);
            if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
            {
                Signal(_process.Id, Signals.SigKill);
            }
            await Exited.ConfigureAwait(false);
        }
        foreach (var pid in descendants.Concat(ProcessTree.Descendants(_process.Id)).Distinct())
        {
            Signal(pid, Signals.SigKill);
        }
    }

    internal static void Signal(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { }
            return;
        }
        _ = SysKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);
}

/// <summary>Reads the process tree from /proc (empty elsewhere).</summary>
internal static class ProcessTree
{
    public static List<int> Descendants(int root)
    {
        if (!Directory.Exists("/proc"))
        {
            return [];
        }
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { Length: > 3 } fields
                && int.TryParse(fields[1], out var parent))
            {
                parents[pid] = parent;
            }
        }
        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var child in parents.Where(p => p.Value == current).Select(p => p.Key))
            {
                result.Add(child);
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>Fields of /proc/pid/stat after the command name (which may contain spaces).</summary>
    public static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// Pid files hold "pid starttime" (from /proc) so reaping never kills an unrelated process that reused the pid.
/// </summary>
internal static class PidFiles
{
    public static void Write(string path, int pid)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{pid} {StartTime(pid)}");
    }

    public static void Delete(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }

    /// <summary>Kills processes recorded by a previous AppHost run that did not stop them; returns how many.</summary>
    public static int Reap(string directory, Action<string> log)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        var reaped = 0;
        foreach (var file in Directory.GetFiles(directory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', 2);
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) is { Length: > 0 } start && start == parts[1])
            {
                log($"reaping {Path.GetFileNameWithoutExtension(file)} (pid {pid}) left by an AppHost that did not shut down");
                ManagedProcess.Signal(pid, Signals.SigKill);
                reaped++;
            }
            Delete(file);
        }
        return reaped;
    }

    // Field 22 of /proc/<pid>/stat (index 19 after the command name).
    private static string StartTime(int pid) => ProcessTree.Stat(pid) is { Length: > 19 } fields ? fields[19] : "";
}
