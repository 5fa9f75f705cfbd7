using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Backends;

/// <summary>
/// Runs the TaskWorker as a process in a session of its own, so it outlives a killed dispatcher the way a container
/// group does. Its folder under <see cref="LocalBackendOptions.StateDirectory"/> is the "group": <c>pid</c>,
/// <c>output.log</c>, and <c>exitcode</c> written by the wrapping shell when the worker ends.
/// </summary>
public sealed class LocalProcessBackend(IOptions<LocalBackendOptions> options, TimeProvider time, ILogger<LocalProcessBackend> logger) : ITaskBackend
{
    // The shell writes its own pid once it runs (so a pid on file always names a shell whose command line shows the
    // folder: no fork-to-exec window), and records the exit code even when no dispatcher is left; mv makes each whole.
    private const string Wrapper = "exec </dev/null >/dev/null 2>&1; dir=\"$1\"; shift; echo $$ >\"$dir/pid.tmp\"; mv \"$dir/pid.tmp\" \"$dir/pid\"; "
        + "\"$@\" >\"$dir/output.log\" 2>&1; echo $? >\"$dir/exitcode.tmp\"; mv \"$dir/exitcode.tmp\" \"$dir/exitcode\"";

    private readonly LocalBackendOptions _options = options.Value;

    public Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var dir = Folder(name);
        if (!Directory.Exists(dir))
        {
            return Task.FromResult<TaskInstance?>(null);
        }

        // Until the shell has written its pid the run is Pending; the runner's time-out covers a shell that never starts.
        var started = File.Exists(Path.Combine(dir, "pid")) ? File.GetLastWriteTimeUtc(Path.Combine(dir, "pid")) : (DateTime?)null;
        var exitFile = Path.Combine(dir, "exitcode");
        TaskInstance instance;
        if (File.Exists(exitFile))
        {
            var code = int.TryParse(File.ReadAllText(exitFile).Trim(), out var c) ? c : -1;
            var stopped = File.Exists(Path.Combine(dir, "stopped"));
            var state = stopped ? TaskInstanceState.Stopped : code == 0 ? TaskInstanceState.Succeeded : TaskInstanceState.Failed;
            instance = new(name, state, code, started, File.GetLastWriteTimeUtc(exitFile));
        }
        else if (ReadPid(dir) is not { } pid)
        {
            instance = new(name, TaskInstanceState.Pending, null, null, null);
        }
        else if (IsAlive(pid, dir))
        {
            instance = new(name, TaskInstanceState.Running, null, started, null);
        }
        else
        {
            // The shell died without recording an exit code (killed, machine restarted): a failed attempt.
            instance = new(name, TaskInstanceState.Failed, null, started, time.GetUtcNow());
        }

        return Task.FromResult<TaskInstance?>(instance);
    }

    public async Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken)
    {
        var dir = Folder(request.Name);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "labels.json"),
            JsonSerializer.Serialize(new { request.Client, request.MessageId, request.TaskType, StartedAt = time.GetUtcNow() }), cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(_options.StateDirectory, "starts.log"), request.Name + "\n", cancellationToken);

        var start = new ProcessStartInfo("setsid", ["/bin/sh", "-c", Wrapper, "sh", dir, "dotnet", _options.WorkerPath])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TASK_DATA"] = request.TaskData;
        start.Environment["TASK_NAME"] = request.Name;
        start.Environment["TASK_MESSAGE_ID"] = request.MessageId;
        // Lets an operator (and the tests) find the worker of a run: its command line names only the dll.
        start.Environment["TASK_RUN_FOLDER"] = dir;
        start.Environment["OTEL_SERVICE_NAME"] = "taskworker";
        foreach (var (key, value) in _options.Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start.");
        logger.LogInformation("Started {Name} as process {Pid}", request.Name, process.Id);
    }

    public async Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken)
    {
        var log = Path.Combine(Folder(name), "output.log");
        if (!File.Exists(log))
        {
            return "";
        }

        var all = await File.ReadAllLinesAsync(log, cancellationToken);
        return string.Join('\n', all.TakeLast(lines));
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var dir = Folder(name);
        if (!Directory.Exists(dir))
        {
            return;
        }

        if (ReadPid(dir) is { } pid && IsAlive(pid, dir))
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "stopped"), "", cancellationToken);
            // setsid made the shell a session and group leader: the negative pid reaches the worker too.
            using (var kill = Process.Start("kill", ["-KILL", "--", $"-{pid}"]))
            {
                await kill.WaitForExitAsync(cancellationToken);
            }

            while (IsAlive(pid, dir))
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        Directory.Delete(dir, recursive: true);
    }

    private string Folder(string name) => Path.Combine(_options.StateDirectory, name);

    private static int? ReadPid(string dir)
    {
        var file = Path.Combine(dir, "pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file), out var pid) ? pid : null;
    }

    // The pid must still be our shell (its command line names the folder), not a process that reused the number.
    private static bool IsAlive(int pid, string dir)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state != 'Z' && cmdline.Contains(dir, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
