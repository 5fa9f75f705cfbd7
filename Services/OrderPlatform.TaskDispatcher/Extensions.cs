using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Backends.Aci;
using OrderPlatform.TaskDispatcher.Backends.Arm;
using OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;
using OrderPlatform.TaskDispatcher.Backends.Docker;
using OrderPlatform.TaskDispatcher.Completion;
using OrderPlatform.TaskDispatcher.Dispatch;
using OrderPlatform.TaskDispatcher.Wake;

namespace OrderPlatform.TaskDispatcher;

public static class Extensions
{
    /// <summary>Storage clients (ServiceDefaults' shared registration), the backend, completion and the polling loop.</summary>
    public static void AddTaskDispatcher(this IHostApplicationBuilder builder)
    {
        builder.AddAzureQueueServiceClient("queues");
        builder.AddAzureBlobServiceClient("blobs");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<DispatcherOptions>().BindConfiguration(DispatcherOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section);

        builder.Services.AddSingleton<DispatchMetrics>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(DispatchMetrics.Name))
            .WithTracing(tracing => tracing.AddSource(DispatchMetrics.Name));

        switch (builder.Configuration[$"{DispatcherOptions.Section}:Backend"]?.ToLowerInvariant() ?? "auto")
        {
            case "aci":
                builder.AddAciBackend();
                break;
            case "containerappsjob":
                builder.AddContainerAppsJobBackend();
                break;
            case "local":
                builder.Services.AddSingleton<ITaskBackend, LocalProcessBackend>();
                break;
            case "docker":
                builder.AddDockerBackend();
                builder.Services.AddSingleton<ITaskBackend>(sp => sp.GetRequiredService<DockerBackend>());
                break;
            default:
                builder.AddDockerBackend();
                builder.Services.AddSingleton<LocalProcessBackend>();
                builder.Services.AddSingleton(DockerSelection.Choose);
                break;
        }

        builder.Services.AddSingleton<QueueDiscovery>();
        builder.Services.AddSingleton<PoisonQueue>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<CompletionRecorder>();

        // Not from the client factory, whose defaults add ServiceDefaults' retries: one attempt per call (the outbox is
        // the retry), and no redirects, since the allow-list vets the first address only.
        builder.Services.AddSingleton(sp => new WebhookSender(
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }),
            sp.GetRequiredService<IOptions<WebhookOptions>>(), sp.GetRequiredService<TimeProvider>()));

        builder.Services.AddSingleton<WakeSignal>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("redis")))
        {
            // Wake-ups are an optimisation: Redis being down must not make the dispatcher unhealthy.
            builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
            builder.Services.AddHostedService<RedisWakeListener>();
        }

        builder.Services.AddHostedService<DispatchLoop>();
        builder.Services.AddHostedService<OutboxRetrier>();
    }

    /// <summary>The Docker Engine API on its unix socket, one client shared by the backend and the start-up probe.</summary>
    private static void AddDockerBackend(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DockerOptions>().BindConfiguration(DockerOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure<IConfiguration>((docker, configuration) =>
            {
                // A container inherits nothing from the dispatcher (a local process does): hand on the documents' store.
                if (configuration.GetConnectionString("blobs") is { Length: > 0 } blobs)
                {
                    docker.Environment.TryAdd("ConnectionStrings__blobs", blobs);
                }
            });
        builder.Services.AddSingleton(sp => new DockerEngineClient(DockerBackend.CreateClient(sp.GetRequiredService<IOptions<DockerOptions>>().Value)));
        builder.Services.AddSingleton(sp => new DockerBackend(sp.GetRequiredService<DockerEngineClient>().Http, sp.GetRequiredService<IOptions<DockerOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DockerBackend>>()));
    }

    /// <summary>ACI over ARM with a managed identity's tokens, the create-rate limiter and the janitor.</summary>
    private static void AddAciBackend(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AciOptions>().BindConfiguration(AciOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        builder.Services.AddSingleton(sp =>
        {
            var aci = sp.GetRequiredService<IOptions<AciOptions>>().Value;
            var limiter = new CreateRateLimiter(aci.CreatesPerFiveMinutes, aci.CreatesPerHour, sp.GetRequiredService<TimeProvider>());
            sp.GetRequiredService<DispatchMetrics>().ObserveCreatesRemaining(() => limiter.Remaining);
            return limiter;
        });
        builder.Services.AddSingleton(sp => new AciBackend(Arm(sp, sp.GetRequiredService<IOptions<AciOptions>>().Value.ManagementEndpoint),
            sp.GetRequiredService<IOptions<AciOptions>>(), sp.GetRequiredService<CreateRateLimiter>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AciBackend>>()));
        builder.Services.AddSingleton<ITaskBackend>(sp => sp.GetRequiredService<AciBackend>());
        builder.Services.AddSingleton<AciJanitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AciJanitor>());
    }

    /// <summary>
    /// Executions of one Manual Container Apps job over ARM. No create-rate limiter: ACI's create quotas do not apply
    /// to job executions, ARM's own throttling answers 429 (waited out), and MaxConcurrentTasks bounds running ones.
    /// </summary>
    private static void AddContainerAppsJobBackend(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContainerAppsJobOptions>().BindConfiguration(ContainerAppsJobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ContainerAppsJobOptions>, ContainerAppsJobOptionsValidator>();
        builder.Services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        builder.Services.AddSingleton(sp => new ContainerAppsJobBackend(Arm(sp, sp.GetRequiredService<IOptions<ContainerAppsJobOptions>>().Value.ManagementEndpoint),
            sp.GetRequiredService<IOptions<ContainerAppsJobOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ContainerAppsJobBackend>>()));
        builder.Services.AddSingleton<ITaskBackend>(sp => sp.GetRequiredService<ContainerAppsJobBackend>());
    }

    // A plain client: ServiceDefaults' retries would repeat PUTs and starts (ACI creates count against a quota, a
    // repeated start is a second execution); 429 is the ArmClient's.
    private static ArmClient Arm(IServiceProvider services, Uri endpoint) => new(new HttpClient { Timeout = TimeSpan.FromSeconds(60) },
        services.GetRequiredService<TokenCredential>(), endpoint, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ArmClient>>());
}
