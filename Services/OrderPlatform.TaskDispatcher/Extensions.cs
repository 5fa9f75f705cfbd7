using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Completion;
using OrderPlatform.TaskDispatcher.Dispatch;

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

        builder.Services.AddSingleton<ITaskBackend, LocalProcessBackend>();
        builder.Services.AddSingleton<QueueDiscovery>();
        builder.Services.AddSingleton<PoisonQueue>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<CompletionRecorder>();

        // Not from the client factory, whose defaults add ServiceDefaults' retries: one attempt per call (the outbox is
        // the retry), and no redirects, since the allow-list vets the first address only.
        builder.Services.AddSingleton(sp => new WebhookSender(
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }),
            sp.GetRequiredService<IOptions<WebhookOptions>>(), sp.GetRequiredService<TimeProvider>()));

        builder.Services.AddHostedService<DispatchLoop>();
        builder.Services.AddHostedService<OutboxRetrier>();
    }
}
