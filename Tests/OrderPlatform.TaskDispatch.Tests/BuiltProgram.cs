using System.Diagnostics;
using System.Text;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// A built program of ours (<c>dotnet X.dll</c>) in a process of its own, configured through environment variables
/// the way a container is, so a test can SIGKILL it. Output is kept for failure messages.
/// </summary>
public sealed class BuiltProgram : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BuiltProgram(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The dispatcher as built in its own project's output (with the TaskWorker next to it).</summary>
    public static string DispatcherDll() => Locate("OrderPlatform.TaskDispatcher");

    public static string TaskWorkerDll() => Locate("OrderPlatform.TaskWorker");

    /// <summary>Waits for the program to end on its own and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(int timeoutSeconds = 30)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(timeoutSeconds), TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public static BuiltProgram Start(string dll, IDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var program = new BuiltProgram(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        program._process.OutputDataReceived += (_, e) => program.Append(e.Data);
        program._process.ErrorDataReceived += (_, e) => program.Append(e.Data);
        program._process.BeginOutputReadLine();
        program._process.BeginErrorReadLine();
        return program;
    }

    /// <summary>SIGKILL to this process only: the task processes it started live on, as containers would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    // Services/{name}/bin/{configuration}/{framework}/{name}.dll, same configuration and framework as this test assembly.
    private static string Locate(string name)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testBin.Name, testBin.Parent!.Name);
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Services", name, "bin", configuration, framework, $"{name}.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{name}.dll ({configuration}/{framework}) was not found above {testBin.FullName}; build {name} first.");
    }
}
