using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.TaskDispatcher.Backends.Docker;

/// <summary>The Docker backend (section <c>TaskDispatch:Docker</c>): one container per task from the TaskWorker image.</summary>
public sealed class DockerOptions
{
    public const string Section = "TaskDispatch:Docker";

    /// <summary>The engine's unix socket; <c>DOCKER_HOST=unix://…</c> wins when set.</summary>
    [Required]
    public string Socket { get; set; } = "/var/run/docker.sock";

    /// <summary>
    /// Engine API version in every path. 1.41 (Docker 20.10) has everything used here, and engines keep serving older
    /// versions while rejecting newer ones than they know.
    /// </summary>
    [RegularExpression(@"^1\.\d{2}$")]
    public string ApiVersion { get; set; } = "1.41";

    /// <summary>The task image, as <c>dotnet publish Services/OrderPlatform.TaskWorker -t:PublishContainer</c> tags it.</summary>
    [Required]
    public string Image { get; set; } = "orderplatform-taskworker:latest";

    /// <summary><c>HostConfig.NetworkMode</c>, e.g. <c>host</c> so the worker reaches an Azurite on the host's loopback.</summary>
    public string? NetworkMode { get; set; }

    /// <summary>Environment the container gets (<c>ConnectionStrings__blobs</c> and the like).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>A container created but never started for this long (its creator died in between) is a failed attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the start-up probe (<c>/_ping</c>) waits when the backend is chosen automatically.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public string SocketPath =>
        System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : Socket;
}
