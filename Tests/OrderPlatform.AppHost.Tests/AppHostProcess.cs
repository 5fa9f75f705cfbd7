using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace OrderPlatform.AppHost.Tests;

/// <summary>How the AppHost is started, as the people and tools that start it do.</summary>
public enum Launch
{
    /// <summary>In a new session with no terminal (<c>setsid</c>), as an IDE does: the AppHost leads its process group.</summary>
    NoTerminal,

    /// <summary><c>bash -c 'apphost &amp; wait'</c> in a new session: a script's background job, SIGINT inherited ignored.</summary>
    ScriptBackground,

    /// <summary>Typed into an interactive bash in a terminal (tmux): Ctrl+C reaches its foreground process group.</summary>
    Terminal,
}

/// <summary>
/// The built AppHost run as a real process (headless, its own data folder, randomized proxy ports so that it never
/// collides with another run on this machine), its console captured to a file. Disposing it SIGKILLs its process group,
/// every process it was ever seen to have started and the tmux server, so a failed or timed-out test leaves nothing.
/// </summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _log;
    private readonly string? _tmuxSocket;
    private readonly HashSet<ProcessInfo> _seen = [];

    private AppHostProcess(Launch launch, string folder, string log, string? tmuxSocket, int leader)
    {
        Launch = launch;
        _folder = folder;
        _log = log;
        _tmuxSocket = tmuxSocket;
        GroupLeader = leader;
    }

    public Launch Launch { get; }

    /// <summary>The process group leader: the AppHost (no terminal), bash (script) or the pane's shell (terminal).</summary>
    public int GroupLeader { get; }

    /// <summary>The AppHost process, once found.</summary>
    public ProcessInfo? AppHost { get; private set; }

    public static string AppHostPath { get; } = Path.Combine(RepoRoot(), "OrderPlatform.AppHost", "bin", "Debug", "net10.0", "OrderPlatform.AppHost");

    /// <summary>Where an IDE starts it (its content root, so its appsettings.json applies).</summary>
    public static string AppHostProjectDirectory { get; } = Path.Combine(RepoRoot(), "OrderPlatform.AppHost");

    public static async Task<AppHostProcess> StartAsync(Launch launch, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var folder = Directory.CreateTempSubdirectory("apphost-run-").FullName;
        // CreateTempSubdirectory makes it 0700; as root Postgres runs as the postgres user, which must reach its data.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }
        var log = Path.Combine(folder, "console.log");
        string[] args = [AppHostPath, "--no-dashboard", "--data-dir", Path.Combine(folder, "data"), "--DcpPublisher:RandomizePorts=true", .. extraArgs];
        var quoted = string.Join(' ', args.Select(Quote));
        AppHostProcess process;
        switch (launch)
        {
            case Launch.NoTerminal:
            {
                // exec chain with no fork: sh → setsid (not a group leader, so it does not fork) → the AppHost.
                using var sh = Start("/bin/sh", "-c", $"exec setsid {quoted} >{Quote(log)} 2>&1 </dev/null");
                process = new AppHostProcess(launch, folder, log, null, sh.Id);
                break;
            }
            case Launch.ScriptBackground:
            {
                using var sh = Start("/bin/sh", "-c", $"exec setsid bash -c {Quote($"{quoted} >{Quote(log)} 2>&1 </dev/null & wait")}");
                process = new AppHostProcess(launch, folder, log, null, sh.Id);
                break;
            }
            default:
            {
                var socket = $"apphost-tests-{Guid.NewGuid():N}";
                await RunAsync("tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "main", "-c", AppHostProjectDirectory, "-x", "220", "-y", "50", "bash --norc --noprofile -i"], cancellationToken);
                await RunAsync("tmux", ["-L", socket, "pipe-pane", "-t", "main", $"cat >> {Quote(log)}"], cancellationToken);
                var panePid = int.Parse((await RunAsync("tmux", ["-L", socket, "display-message", "-p", "-t", "main", "#{pane_pid}"], cancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                process = new AppHostProcess(launch, folder, log, socket, panePid);
                await RunAsync("tmux", ["-L", socket, "send-keys", "-t", "main", quoted, "Enter"], cancellationToken);
                break;
            }
        }
        try
        {
            await process.FindAppHostAsync(cancellationToken);
            // Should this test process die before it disposes of the run (a CI time-out kills it), DCP's own guard
            // kills the AppHost, whose guards then stop the rest; the tmux server goes the same way.
            process.Guard(process.AppHost!.Pid);
            if (process._tmuxSocket is { } s)
            {
                process.Guard(int.Parse((await RunAsync("tmux", ["-L", s, "display-message", "-p", "#{pid}"], cancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return process;
    }

    /// <summary>The console so far, terminal escapes removed.</summary>
    public string Console => File.Exists(_log) ? Escapes().Replace(ReadShared(_log), "") : "";

    /// <summary>Waits until the console has a line matching <paramref name="pattern"/>; fails with the console tail otherwise.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var console = Console;
            if (pattern.Match(console) is { Success: true } match)
            {
                return match;
            }
            if (deadline.Elapsed > timeout || AppHost is { IsAlive: false } || console.Contains(" FailedToStart", StringComparison.Ordinal))
            {
                throw new TimeoutException($"The AppHost printed no line matching '{pattern}' after {deadline.Elapsed} (alive: {AppHost?.IsAlive}).{Environment.NewLine}{Tail(console)}");
            }
            Track();
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Waits for Aspire's all-healthy progress line.</summary>
    public Task<Match> WaitAllHealthyAsync(CancellationToken cancellationToken) =>
        WaitForLineAsync(AllHealthy(), TimeSpan.FromSeconds(240), cancellationToken);

    /// <summary>The AppHost and everything below it now, with the TCP ports they listen on.</summary>
    public (List<ProcessInfo> Processes, HashSet<int> Ports) Snapshot()
    {
        var processes = Track();
        return (processes, ProcessTable.ListeningPorts(processes.Select(p => p.Pid)));
    }

    /// <summary>Sends <paramref name="signal"/> to the AppHost alone, or to its whole process group.</summary>
    public Task SignalAsync(string signal, bool group, CancellationToken cancellationToken) =>
        RunAsync("kill", ["-s", signal, "--", group ? $"-{GroupLeader}" : AppHost!.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);

    /// <summary>Types Ctrl+C into the terminal.</summary>
    public Task CtrlCAsync(CancellationToken cancellationToken) =>
        RunAsync("tmux", ["-L", _tmuxSocket!, "send-keys", "-t", "main", "C-c"], cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="within"/> until none of <paramref name="processes"/> is alive and none of
    /// <paramref name="ports"/> is listening; returns what is still there (empty when all is gone) and how long it took.
    /// </summary>
    public static async Task<(List<string> Left, TimeSpan Took)> WaitGoneAsync(IReadOnlyCollection<ProcessInfo> processes, IReadOnlyCollection<int> ports, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var listening = ProcessTable.AllListeningPorts();
            List<string> left = [.. processes.Where(p => p.IsAlive).Select(p => $"process {p}"), .. ports.Where(listening.Contains).Select(p => $"port {p}")];
            if (left.Count == 0 || clock.Elapsed > within)
            {
                return (left, clock.Elapsed);
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var all = Track().Concat(_seen).Distinct().ToList();
        foreach (var p in ProcessTable.InGroup(GroupLeader).Concat(all).Where(p => p.IsAlive))
        {
            try
            {
                Process.GetProcessById(p.Pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
        if (_tmuxSocket is not null)
        {
            try
            {
                await RunAsync("tmux", ["-L", _tmuxSocket, "kill-server"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
            }
        }
        await WaitGoneAsync(all, [], TimeSpan.FromSeconds(5));
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void Guard(int child)
    {
        var dcp = typeof(AppHostProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => string.Equals(a.Key, "DcpCliPath", StringComparison.OrdinalIgnoreCase))?.Value
            ?? throw new InvalidOperationException("The test assembly has no DcpCliPath metadata.");
        var command = $"exec {Quote(dcp)} monitor-process --child {child} --monitor {Environment.ProcessId} --monitor-interval 1 </dev/null >/dev/null 2>&1";
        using var guard = Start("/bin/sh", "-c", command);
    }

    [GeneratedRegex(@"All (\d+) resources are running and healthy after (\d+) ms")]
    public static partial Regex AllHealthy();

    [GeneratedRegex(@"\x1B(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1B]*(\x07|\x1B\\)|[()][0-9A-Za-z]|[=>])")]
    private static partial Regex Escapes();

    private List<ProcessInfo> Track()
    {
        var root = AppHost?.Pid ?? GroupLeader;
        var now = ProcessTable.Descendants(root);
        if (AppHost is { IsAlive: true } self)
        {
            now.Insert(0, self);
            // DCP's API server detaches into its own session (parent 1) and watches the AppHost's pid; the executables
            // and projects it runs are below it, not below the AppHost.
            foreach (var dcp in ProcessTable.Watching(self.Pid))
            {
                now.Add(dcp);
                now.AddRange(ProcessTable.Descendants(dcp.Pid));
            }
        }
        now = [.. now.Distinct()];
        lock (_seen)
        {
            _seen.UnionWith(now);
        }
        return now;
    }

    private async Task FindAppHostAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var candidates = new[] { ProcessTable.Read(GroupLeader) }.OfType<ProcessInfo>().Concat(ProcessTable.Descendants(GroupLeader));
            if (candidates.FirstOrDefault(p => p.Command.StartsWith(AppHostPath, StringComparison.Ordinal)) is { } found)
            {
                AppHost = found;
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"The AppHost process did not appear under {GroupLeader}.{Environment.NewLine}{Tail(Console)}");
    }

    private static string Tail(string console) =>
        "--- AppHost console (last 60 lines) ---" + Environment.NewLine + string.Join(Environment.NewLine, console.Split('\n').TakeLast(60));

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, WorkingDirectory = AppHostProjectDirectory };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        return Process.Start(psi)!;
    }

    private static async Task<string> RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
        }
        return await output;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrderPlatform.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("OrderPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
