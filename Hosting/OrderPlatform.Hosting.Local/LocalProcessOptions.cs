using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>Whether container resources run as containers or as local processes.</summary>
public enum LocalRuntime
{
    /// <summary>Containers when a container engine answers (<c>dcp info</c>), local processes otherwise.</summary>
    Auto,

    /// <summary>Always local processes.</summary>
    Local,

    /// <summary>Always containers (fails where no engine answers, as plain Aspire does).</summary>
    Containers,
}

/// <summary>Settings read from the <c>LocalProcesses</c> configuration section (AppHost arguments or environment).</summary>
public sealed class LocalProcessOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LocalProcesses";

    /// <summary><c>LocalProcesses:Runtime</c>: auto (default), local or containers.</summary>
    public LocalRuntime Runtime { get; init; }

    /// <summary>Root of the resources' data folders.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>True when <see cref="DataDirectory"/> is a throwaway folder deleted at stop (test runs).</summary>
    public bool Ephemeral { get; init; }

    /// <summary>The npm tools cache.</summary>
    public required string ToolsDirectory { get; init; }

    /// <summary>
    /// Reads the settings. <c>LocalProcesses:DataDirectory</c> names a kept folder; without it an F5 run keeps its
    /// data under <c>{AppHost}/.apphost/data</c>, while a run from Aspire.Hosting.Testing (it randomizes ports) gets a
    /// throwaway folder, so two test apps never share a database.
    /// </summary>
    public static LocalProcessOptions From(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection(Section);
        var runtime = section["Runtime"] is { Length: > 0 } r
            ? Enum.TryParse<LocalRuntime>(r, ignoreCase: true, out var parsed) ? parsed
                : throw new DistributedApplicationException($"LocalProcesses:Runtime must be auto, local or containers, not '{r}'.")
            : LocalRuntime.Auto;
        var tools = section["ToolsDirectory"] is { Length: > 0 } t ? t
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orderplatform", "tools");
        if (section["DataDirectory"] is { Length: > 0 } dir)
        {
            return new() { Runtime = runtime, DataDirectory = Path.GetFullPath(dir), ToolsDirectory = tools };
        }
        var testRun = string.Equals(configuration["DcpPublisher:RandomizePorts"], "true", StringComparison.OrdinalIgnoreCase);
        return testRun
            ? new() { Runtime = runtime, DataDirectory = Path.Combine(Path.GetTempPath(), $"orderplatform-{Guid.NewGuid():N}"), Ephemeral = true, ToolsDirectory = tools }
            : new() { Runtime = runtime, DataDirectory = Path.Combine(appHostDirectory, ".apphost", "data"), ToolsDirectory = tools };
    }
}
