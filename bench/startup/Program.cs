using System.Globalization;
using System.Text.RegularExpressions;

// Start-up benchmark: the AppHost (already built) from process start to "All N resources are running and healthy",
// against bench/startup/direct.sh, which starts the same processes (postgres, redis, azurite, Temporal, Api,
// TeamsBot, Worker, FlowRunner, TaskDispatcher) directly and in parallel and waits until each answers. Runs alternate
// between the two so a busy machine slows both alike. Both keep their data between runs (one unmeasured warm-up run
// each prepares it), as a developer's second F5 does. Also: the time to the dashboard's login URL, and from SIGINT
// (Ctrl+C) to the last process of the run gone, each against bench/startup/EmptyAppHost (an AppHost with no
// resources: Aspire's own AppHost, DCP and dashboard), alternating with it.
//
//   dotnet build OrderPlatform.sln -c Release
//   dotnet run --project bench/startup -c Release --no-build [-- --runs 5 --configuration Release]
var options = BenchOptions.Parse(args);
if (SigIntIgnored())
{
    // The AppHosts would inherit it: Aspire then ignores the SIGINT the stops send, and ours ends at once without its stop.
    Console.Error.WriteLine("SIGINT is ignored in this process (started with & from a script without job control): run it in the foreground, or after set -m.");
    return 1;
}
var root = FindRepositoryRoot();
var appHost = Path.Combine(root, "OrderPlatform.AppHost", "bin", options.Configuration, "net10.0", "OrderPlatform.AppHost.dll");
var emptyAppHost = Path.Combine(root, "bench", "startup", "EmptyAppHost", "bin", options.Configuration, "net10.0", "OrderPlatform.Bench.EmptyAppHost.dll");
var api = Path.Combine(root, "Services", "OrderPlatform.Api", "bin", options.Configuration, "net10.0", "OrderPlatform.Api.dll");
if (!File.Exists(appHost) || !File.Exists(api) || !File.Exists(emptyAppHost))
{
    Console.Error.WriteLine($"Build first: dotnet build OrderPlatform.sln -c {options.Configuration}");
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
Measurement Empty() => Runner.Measure("dotnet", [emptyAppHost], [dashboardLine], Runner.StopWithSigint);
Measurement Direct() => Runner.Measure("bash", [directScript, "--data-dir", directData, "--configuration", options.Configuration], [allAnswer], Runner.WaitForExit);

try
{
    Console.WriteLine($"Warm-up (initdb, first Azurite start) in {work}");
    AppHost(dashboard: false, allHealthy).ThrowIfFailed("AppHost warm-up");
    Direct().ThrowIfFailed("direct.sh warm-up");
    Empty().ThrowIfFailed("empty AppHost warm-up");
    var appHostRuns = new List<double>();
    var directRuns = new List<double>();
    var stops = new List<StopTimes>();
    for (var run = 1; run <= options.Runs; run++)
    {
        var m = AppHost(dashboard: false, allHealthy).ThrowIfFailed($"AppHost run {run}");
        appHostRuns.Add(m.Marks[0]);
        stops.Add(m.Stop!);
        directRuns.Add(Direct().ThrowIfFailed($"direct.sh run {run}").Marks[0]);
        Console.WriteLine($"  run {run}: AppHost {appHostRuns[^1],7:F0} ms   direct {directRuns[^1],7:F0} ms");
    }
    var dashboardRuns = new List<double>();
    var dashboardHealthyRuns = new List<double>();
    var emptyRuns = new List<double>();
    var emptyStops = new List<StopTimes>();
    for (var run = 1; run <= options.Runs; run++)
    {
        var m = AppHost(dashboard: true, dashboardLine, allHealthy).ThrowIfFailed($"AppHost with dashboard run {run}");
        dashboardRuns.Add(m.Marks[0]);
        dashboardHealthyRuns.Add(m.Marks[1]);
        stops.Add(m.Stop!);
        var e = Empty().ThrowIfFailed($"empty AppHost run {run}");
        emptyRuns.Add(e.Marks[0]);
        emptyStops.Add(e.Stop!);
        Console.WriteLine($"  run {run}: dashboard URL {m.Marks[0],7:F0} ms (empty AppHost {e.Marks[0],5:F0} ms)   all healthy {m.Marks[1],7:F0} ms");
    }
    Report(options, appHostRuns, directRuns, dashboardRuns, dashboardHealthyRuns, emptyRuns, stops, emptyStops);
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

static void Report(BenchOptions options, List<double> appHostRuns, List<double> directRuns, List<double> dashboardRuns,
    List<double> dashboardHealthyRuns, List<double> emptyRuns, List<StopTimes> stops, List<StopTimes> emptyStops)
{
    List<double> exited = [.. stops.Select(s => s.AppHostExited)], gone = [.. stops.Select(s => s.LastProcessGone)];
    List<double> emptyExited = [.. emptyStops.Select(s => s.AppHostExited)], emptyGone = [.. emptyStops.Select(s => s.LastProcessGone)];
    Console.WriteLine();
    Console.WriteLine($"Startup, {options.Runs} runs each, median (AppHost build: {options.Configuration}, {Environment.ProcessorCount} cores)");
    Console.WriteLine($"  AppHost start -> all resources healthy (--no-dashboard): {Median(appHostRuns),7:F0} ms   [{Join(appHostRuns)}]");
    Console.WriteLine($"  direct.sh start -> every process answers:                {Median(directRuns),7:F0} ms   [{Join(directRuns)}]");
    Console.WriteLine($"  ratio AppHost / direct:                                  {Median(appHostRuns) / Median(directRuns),7:F2}x   (goal <= 1.3x)");
    Console.WriteLine($"  AppHost start -> dashboard URL printed:                  {Median(dashboardRuns),7:F0} ms   [{Join(dashboardRuns)}]   (goal <= 3000 ms)");
    Console.WriteLine($"    baseline, empty AppHost:                               {Median(emptyRuns),7:F0} ms   [{Join(emptyRuns)}]");
    Console.WriteLine($"  AppHost start -> all healthy, dashboard on:              {Median(dashboardHealthyRuns),7:F0} ms   [{Join(dashboardHealthyRuns)}]");
    Console.WriteLine($"  SIGINT (Ctrl+C) -> AppHost exited (prompt back):         {Median(exited),7:F0} ms   [{Join(exited)}]");
    Console.WriteLine($"    baseline, empty AppHost:                               {Median(emptyExited),7:F0} ms   [{Join(emptyExited)}]");
    Console.WriteLine($"  SIGINT (Ctrl+C) -> last process of the run gone:         {Median(gone),7:F0} ms   [{Join(gone)}]   (goal <= 3000 ms)");
    Console.WriteLine($"    baseline, empty AppHost:                               {Median(emptyGone),7:F0} ms   [{Join(emptyGone)}]");
}

static bool SigIntIgnored() => OperatingSystem.IsLinux()
    && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
    && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x2) != 0;

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
