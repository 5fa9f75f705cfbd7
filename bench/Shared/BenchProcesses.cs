using System.Diagnostics;

namespace OrderPlatform.Bench;

/// <summary>Built services started by a bench as child processes (linked into the bench projects that need it).</summary>
internal static class BenchProcesses
{
    /// <summary>Starts <paramref name="start"/> with its output discarded and its errors on the bench's stderr, prefixed with <paramref name="name"/>.</summary>
    public static Process StartForwardingErrors(ProcessStartInfo start, string name)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
