using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>Milliseconds from a SIGINT to the AppHost's own exit, and to the last process of its run gone.</summary>
internal sealed record StopTimes(double AppHostExited, double LastProcessGone);

internal sealed record Measurement(IReadOnlyList<double> Marks, string? Failure, string Output, StopTimes? Stop)
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
    public static Measurement Measure(string file, string[] args, Regex[] marks, Func<Process, Task<StopTimes?>> stop)
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
        var stopped = stop(process).GetAwaiter().GetResult();
        lock (output)
        {
            return new Measurement(times, failure, failure is null ? "" : output.ToString(), stopped);
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

    /// <summary>Ctrl+C for the AppHost: SIGINT, then the time until it and every process it started are gone.</summary>
    public static async Task<StopTimes?> StopWithSigint(Process process)
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
        var exited = clock.Elapsed.TotalMilliseconds;
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
        return new StopTimes(exited, clock.Elapsed.TotalMilliseconds);
    }

    private const string MarkerVariable = "ORDERPLATFORM_BENCH_RUN";

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

    // A zombie has exited; only its parent's reaping is left. DCP's processes are re-parented to init when the AppHost
    // exits, and this sandbox's init reaps them seconds later (a normal init does it at once), so a zombie is gone.
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
    public static async Task<StopTimes?> WaitForExit(Process process)
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
        return null;
    }
}
