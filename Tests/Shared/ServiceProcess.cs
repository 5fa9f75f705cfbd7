using System.Diagnostics;
using System.Text;

namespace OrderPlatform.Tests;

/// <summary>
/// A built service (<c>Services/{project}/bin/{configuration}/net10.0/{project}.dll</c>) in a process of its own,
/// configured through environment variables the way a container would be, so a test can kill it outright. Output is
/// kept for failure messages. Linked into the test projects that start ad-hoc apps (Tests/Directory.Build.targets).
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly bool _killTree;
    private readonly Process? _guard;

    private ServiceProcess(Process process, bool killTree)
    {
        (_process, _killTree) = (process, killTree);
        // Gone with the test host even when it is SIGKILLed (a hung run ended by its timeout).
        _guard = Aspire.Hosting.LocalProcesses.ProcessGuard.Watch(process.Id);
    }

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

    /// <param name="project">The service project's name, e.g. <c>OrderPlatform.Worker</c>.</param>
    /// <param name="settings">Configuration keys (<c>a:b</c>), passed as <c>a__b</c> environment variables.</param>
    /// <param name="environment">The hosting environment.</param>
    /// <param name="urls">Kestrel's listen address; port 0 by default, so several processes never fight over one.</param>
    /// <param name="killTree">Whether a kill takes its child processes too; not for the task dispatcher, whose task
    /// processes must outlive it the way containers outlive a crashed dispatcher.</param>
    public static ServiceProcess Start(string project, IDictionary<string, string?> settings, string environment = "Production",
        string urls = "http://127.0.0.1:0", bool killTree = true)
    {
        var start = new ProcessStartInfo("dotnet", [ServiceDll(project)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = urls;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var service = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), killTree);
        service._process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits for the program to end on its own and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(int timeoutSeconds = 30)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(timeoutSeconds), TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no graceful worker drain, the way a crashed or evicted pod ends.</summary>
    public async Task KillAsync()
    {
        Aspire.Hosting.LocalProcesses.ProcessGuard.Stop(_guard);
        _process.Kill(entireProcessTree: _killTree);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        Aspire.Hosting.LocalProcesses.ProcessGuard.Stop(_guard);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: _killTree);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The service built next to this test assembly: same configuration (Debug/Release) and target framework.</summary>
    private static string ServiceDll(string project)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Services", project, "bin", configuration, framework, $"{project}.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{project}.dll ({configuration}/{framework}) was not found above {testBin.FullName}; build {project} first.");
    }
}
