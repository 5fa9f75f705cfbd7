using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Backends.Docker;

/// <summary>
/// <c>TaskDispatch:Backend=Auto</c>: the Docker backend when an engine answers <c>/_ping</c> on its socket and holds the
/// task image, otherwise the Local process backend — so a machine without an engine (ours) needs no setting.
/// </summary>
public static class DockerSelection
{
    public static ITaskBackend Choose(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DockerOptions>>().Value;
        var docker = services.GetRequiredService<DockerBackend>();
        var logger = services.GetRequiredService<ILogger<DockerBackend>>();
        if (!File.Exists(options.SocketPath))
        {
            logger.LogInformation("No Docker engine socket at {Socket}; tasks run as local processes", options.SocketPath);
            return services.GetRequiredService<LocalProcessBackend>();
        }

        // Once, while the host starts (a DI factory cannot await); bounded by the probe's time-out.
        var usable = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(options.ProbeTimeout * 2);
            try
            {
                return await DockerBackend.AnswersAsync(services.GetRequiredService<DockerEngineClient>().Http, options.ProbeTimeout, timeout.Token)
                    && await docker.HasImageAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return false;
            }
        }).GetAwaiter().GetResult();
        logger.LogInformation(usable ? "Docker engine at {Socket} has {Image}: tasks run as containers" : "Docker engine at {Socket} does not answer or lacks {Image}: tasks run as local processes",
            options.SocketPath, options.Image);
        return usable ? docker : services.GetRequiredService<LocalProcessBackend>();
    }
}

/// <summary>The one HttpClient on the engine's socket, shared by the backend and the probe.</summary>
public sealed record DockerEngineClient(HttpClient Http);
