using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>Asks DCP (<c>dcp info</c>) whether a container engine is installed and running, as Aspire itself will.</summary>
internal static class ContainerRuntimeProbe
{
    /// <summary>The DCP executable: <c>DcpPublisher:CliPath</c>, else the AppHost assembly's <c>DcpCliPath</c> metadata.</summary>
    public static string? FindDcp(IConfiguration configuration, Assembly? appHostAssembly)
    {
        if (configuration["DcpPublisher:CliPath"] is { Length: > 0 } configured)
        {
            return configured;
        }
        foreach (var assembly in new[] { appHostAssembly, Assembly.GetEntryAssembly() })
        {
            var path = assembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => string.Equals(a.Key, "DcpCliPath", StringComparison.OrdinalIgnoreCase))?.Value;
            if (path is { Length: > 0 } && File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>True when DCP reports a running container engine; false when it reports none, or cannot say.</summary>
    public static async Task<(bool Running, string Detail)> IsRunningAsync(string? dcpPath, CancellationToken cancellationToken)
    {
        if (dcpPath is null)
        {
            return (false, "DCP was not found, so no container engine can be used");
        }
        var psi = new ProcessStartInfo(dcpPath, ["info"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(output);
            var containers = json.RootElement.GetProperty("containers");
            var running = containers.TryGetProperty("running", out var r) && r.ValueKind == JsonValueKind.True;
            var runtime = containers.TryGetProperty("runtime", out var n) ? n.GetString() : "docker";
            return (running, running ? $"container engine '{runtime}' is running" : $"no container engine answers ('{runtime}' is not running)");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (false, $"dcp info gave no usable answer ({e.Message})");
        }
    }
}
