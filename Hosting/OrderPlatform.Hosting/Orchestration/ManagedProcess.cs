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

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        if (_pidFile is not null)
        {
            PidFiles.Delete(_pidFile);
        }
        return _process.ExitCode;
    }

    /// <summary>Graceful signal, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        Signal(_process.Id, _spec.StopSignal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
            await Exited.ConfigureAwait(false);
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

    private static string StartTime(int pid)
    {
        try
        {
            // Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so count after ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
