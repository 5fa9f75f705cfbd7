using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

// Start-up benchmark: the AppHost (already built) from process start to "All N resources are running and healthy",
// against bench/startup/direct.sh, which starts the same processes (postgres, redis, azurite, Temporal, Api,
// TeamsBot, Worker, FlowRunner, TaskDispatcher) directly and in parallel and waits until each answers. Runs alternate
// between the two so a busy machine slows both alike. Both keep their data between runs (one unmeasured warm-up run each prepares it), as a
// developer's second F5 does. Also: the time to the dashboard's login URL, and from SIGINT (Ctrl+C) to the last
// process of the run gone.
//
//   dotnet run --project bench/startup -c Release [-- --runs 5 --configuration Release]
var options = BenchOptions.Parse(args);
var root = FindRepositoryRoot();
var appHost = Path.Combine(root, "OrderPlatform.AppHost", "bin", options.Configuration, "net10.0", "OrderPlatform.AppHost.dll");
var api = Path.Combine(root, "Services", "OrderPlatform.Api", "bin", options.Configuration, "net10.0", "OrderPlatform.Api.dll");
if (!File.Exists(appHost) || !File.Exists(api))
{
    Console.Error.WriteLine($"Build first: dotnet build OrderPlatform.AppHost -c {options.Configuration}");
    return 1;
}
var work = Directory.CreateTempSubdirectory("orderplatform-bench-startup-").FullName;
// Postgres runs as the postgres user when we are root: it must be able to reach its data folder below this one.
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
}
var appHostData = Path.Combine(work, "apphost");
var directData = Path.Combine(work, "direct");
var directScript = Path.Combine(root, "bench", "startup", "direct.sh");
var allHealthy = new Regex(@"All \d+ resources are running and healthy", RegexOptions.Compiled);
var allAnswer = new Regex(@"All \d+ processes answer", RegexOptions.Compiled);
var dashboardLine = new Regex(@"Login to the dashboard at http", RegexOptions.Compiled);

Measurement AppHost(bool dashboard, params Regex[] marks) => Runner.Measure(
    "dotnet", [appHost, "--data-dir", appHostData, .. dashboard ? Array.Empty<string>() : ["--no-dashboard"]], marks, Runner.StopWithSigint);
Measurement Direct() => Runner.Measure("bash", [directScript, "--data-dir", directData, "--configuration", options.Configuration], [allAnswer], Runner.WaitForExit);

try
{
    Console.WriteLine($"Warm-up (initdb, first Azurite start) in {work}");
    AppHost(dashboard: false, allHealthy).ThrowIfFailed("AppHost warm-up");
    Direct().ThrowIfFailed("direct.sh warm-up");
    var appHostRuns = new List<double>();
    var directRuns = new List<double>();
    for (var run = 1; run <= options.Runs; run++)
    {
        appHostRuns.Add(AppHost(dashboard: false, allHealthy).ThrowIfFailed($"AppHost run {run}").Marks[0]);
        directRuns.Add(Direct().ThrowIfFailed($"direct.sh run {run}").Marks[0]);
        Console.WriteLine($"  run {run}: AppHost {appHostRuns[^1],7:F0} ms   direct {directRuns[^1],7:F0} ms");
    }
    var dashboardRuns = new List<double>();
    var dashboardHealthyRuns = new List<double>();
    for (var run = 1; run <= options.Runs; run++)
    {
        var m = AppHost(dashboard: true, dashboardLine, allHealthy).ThrowIfFailed($"AppHost with dashboard run {run}");
        dashboardRuns.Add(m.Marks[0]);
        dashboardHealthyRuns.Add(m.Marks[1]);
        Console.WriteLine($"  run {run}: dashboard URL {m.Marks[0],7:F0} ms   all healthy {m.Marks[1],7:F0} ms");
    }
    var stopRuns = Runner.StopTimes.ToList();
    var exitRuns = Runner.AppHostExitTimes.ToList();
    var ratio = Median(appHostRuns) / Median(directRuns);
    Console.WriteLine();
    Console.WriteLine($"Startup, {options.Runs} runs each, median (AppHost build: {options.Configuration}, {Environment.ProcessorCount} cores)");
    Console.WriteLine($"  AppHost start -> all resources healthy (--no-dashboard): {Median(appHostRuns),7:F0} ms   [{Join(appHostRuns)}]");
    Console.WriteLine($"  direct.sh start -> every process answers:                {Median(directRuns),7:F0} ms   [{Join(directRuns)}]");
    Console.WriteLine($"  ratio AppHost / direct:                                  {ratio,7:F2}x   (goal <= 1.3x)");
    Console.WriteLine($"  AppHost start -> dashboard URL printed:                  {Median(dashboardRuns),7:F0} ms   [{Join(dashboardRuns)}]   (goal <= 3000 ms)");
    Console.WriteLine($"  AppHost start -> all healthy, dashboard on:              {Median(dashboardHealthyRuns),7:F0} ms   [{Join(dashboardHealthyRuns)}]");
    Console.WriteLine($"  SIGINT (Ctrl+C) -> AppHost exited (prompt back):         {Median(exitRuns),7:F0} ms   [{Join(exitRuns)}]");
    Console.WriteLine($"  SIGINT (Ctrl+C) -> last process of the run gone:         {Median(stopRuns),7:F0} ms   [{Join(stopRuns)}]   (goal <= 3000 ms)");
    return 0;
}
catch (BenchmarkFailedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
finally
{
    try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Join(List<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "OrderPlatform.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the OrderPlatform repository.");
}

internal sealed record BenchOptions(int Runs, string Configuration)
{
    public static BenchOptions Parse(string[] args)
    {
        var runs = 5;
        var configuration = "Release";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--configuration" or "-c": configuration = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}; known: --runs N, --configuration Debug|Release.");
            }
        }
        return new BenchOptions(runs, configuration);
    }
}

internal sealed record Measurement(IReadOnlyList<double> Marks, string? Failure, string Output)
{
    public Measurement ThrowIfFailed(string what) => Failure is null ? this
        : throw new BenchmarkFailedException($"{what} failed: {Failure}{Environment.NewLine}{Output}");
}

internal sealed class BenchmarkFailedException(string message) : Exception(message);

internal static class Runner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Starts the program and records, for each mark in order, the milliseconds from just before the start until a
    /// line matching it is printed; then stops the program.
    /// </summary>
    public static Measurement Measure(string file, string[] args, Regex[] marks, Func<Process, Task> stop)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // What the AppHost's http launch profile sets (dotnet run applies it; running the dll does not).
        foreach (var (key, value) in HttpProfile)
        {
            psi.Environment[key] = value;
        }
        // DCP detaches from the AppHost, so the run's processes are found by this marker, which all of them inherit.
        psi.Environment[MarkerVariable] = Guid.NewGuid().ToString("N");
        var times = new double[marks.Length];
        var found = 0;
        var output = new System.Text.StringBuilder();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
                while (found < marks.Length && marks[found].IsMatch(line))
                {
                    times[found++] = clock.Elapsed.TotalMilliseconds;
                }
                if (found == marks.Length)
                {
                    done.TrySetResult();
                }
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = Task.WhenAny(done.Task, exited, Task.Delay(Timeout)).GetAwaiter().GetResult();
        string? failure = first == done.Task ? null : first == exited ? $"exited with code {process.ExitCode} before printing every mark" : $"no result within {Timeout.TotalMinutes} min";
        stop(process).GetAwaiter().GetResult();
        lock (output)
        {
            return new Measurement(times, failure, failure is null ? "" : output.ToString());
        }
    }

    private static readonly Dictionary<string, string> HttpProfile = new()
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = "http://localhost:15089",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:19089",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://localhost:20089",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
    };

    /// <summary>Milliseconds from each SIGINT to the last process of that run gone.</summary>
    public static List<double> StopTimes { get; } = [];

    /// <summary>Milliseconds from each SIGINT to the AppHost's own exit (DCP's detached processes may outlive it).</summary>
    public static List<double> AppHostExitTimes { get; } = [];

    /// <summary>Ctrl+C for the AppHost: SIGINT, then the time until it and every process it started are gone.</summary>
    public static async Task StopWithSigint(Process process)
    {
        var tree = Marked(process.StartInfo.Environment[MarkerVariable]!).Append(process.Id).ToList();
        var names = tree.Distinct().ToDictionary(pid => pid, CommandLine);
        var clock = Stopwatch.StartNew();
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }
        // HasExited, not WaitForExit: the latter also waits for EOF on the output, which a detached DCP process may hold.
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(10);
        }
        AppHostExitTimes.Add(clock.Elapsed.TotalMilliseconds);
        await WaitForExit(process);
        var lastSeen = new Dictionary<int, double>();
        while (tree.Any(Alive) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var pid in tree.Where(Alive))
            {
                lastSeen[pid] = clock.Elapsed.TotalMilliseconds;
            }
            await Task.Delay(20);
        }
        // BENCH_STOP_DEBUG=1: which processes were the last to go, to see where a stop spends its time.
        if (Environment.GetEnvironmentVariable("BENCH_STOP_DEBUG") is not null)
        {
            foreach (var (pid, ms) in lastSeen.OrderByDescending(kv => kv.Value).Take(4))
            {
                Console.WriteLine($"    last seen {ms,6:F0} ms: {names.GetValueOrDefault(pid, "?")}");
            }
        }
        StopTimes.Add(clock.Elapsed.TotalMilliseconds);
    }

    private const string MarkerVariable = "ORDERPLATFORM_BENCH_RUN";

    // A zombie has exited; only its parent's reaping is left. DCP's processes are re-parented to init when the AppHost
    // exits, and this sandbox's init reaps them seconds later (a normal init does it at once), so a zombie is gone.
    private static string CommandLine(int pid)
    {
        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return command[..Math.Min(100, command.Length)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<int> Marked(string marker)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes($"{MarkerVariable}={marker}");
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && File.ReadAllBytes(Path.Combine(dir, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }

    /// <summary>direct.sh stops its processes itself once they all answered.</summary>
    public static async Task WaitForExit(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchmarkFailedException($"{process.StartInfo.FileName} did not exit within 2 min of being stopped.");
        }
    }
}
