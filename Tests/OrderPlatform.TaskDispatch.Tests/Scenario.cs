using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderPlatform.TaskDispatcher;
using OrderPlatform.Tests;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// One test's world: its own queue prefix (so other tests' queues stay invisible), a <c>{prefix}acme-tasks</c> queue,
/// a run folder for the Local backend, a webhook receiver, and dispatchers configured with short timings
/// (V = 2 s, renewed every second).
/// </summary>
public sealed class Scenario(Storage storage) : IAsyncDisposable
{
    private readonly List<WebApplication> _dispatchers = [];

    public string Prefix { get; } = $"t{Guid.NewGuid():N}"[..12];

    public QueueClient Queue => storage.QueueService.GetQueueClient($"{Prefix}acme-tasks");

    public QueueClient Poison => storage.QueueService.GetQueueClient($"{Prefix}acme-tasks-poison");

    public string StateDirectory { get; } = TestFolders.NewDirectory("runs");

    public WebhookReceiver Receiver { get; } = new();

    public Dictionary<string, string?> Settings { get; private set; } = [];

    /// <summary>Runs the Local backend started, from its own journal (one line per start, across dispatchers).</summary>
    public int Starts => File.Exists(Path.Combine(StateDirectory, "starts.log")) ? File.ReadAllLines(Path.Combine(StateDirectory, "starts.log")).Length : 0;

    public async Task<Scenario> CreateAsync(bool receiverUp = true, Action<Dictionary<string, string?>>? configure = null)
    {
        await Queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        if (receiverUp)
        {
            await Receiver.StartAsync();
        }

        Settings = new()
        {
            ["ConnectionStrings:queues"] = storage.Queues,
            ["ConnectionStrings:blobs"] = storage.Blobs,
            ["TaskDispatch:QueuePrefix"] = Prefix,
            ["TaskDispatch:VisibilityTimeout"] = "00:00:02",
            ["TaskDispatch:WatchInterval"] = "00:00:00.100",
            ["TaskDispatch:DiscoveryInterval"] = "00:00:00.200",
            ["TaskDispatch:MinPollDelay"] = "00:00:00.050",
            ["TaskDispatch:MaxPollDelay"] = "00:00:00.300",
            ["TaskDispatch:RetryBaseDelay"] = "00:00:00",
            ["TaskDispatch:Local:StateDirectory"] = StateDirectory,
            ["TaskDispatch:Webhooks:SigningKey"] = WebhookReceiver.SigningKey,
            ["TaskDispatch:Webhooks:AllowedOrigins:0"] = Receiver.Origin,
            ["TaskDispatch:Webhooks:DefaultUrl"] = Receiver.Url.ToString(),
            ["TaskDispatch:Webhooks:OutboxContainer"] = $"{Prefix}-outbox",
            ["TaskDispatch:Webhooks:OutboxRetryInterval"] = "00:00:00.200",
        };
        configure?.Invoke(Settings);
        return this;
    }

    /// <summary>A dispatcher in this process, as the service's Program builds it (Kestrel on a free port).</summary>
    public async Task<WebApplication> StartDispatcherAsync(Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.AddTaskDispatcher();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        _dispatchers.Add(app);
        return app;
    }

    /// <summary>A scenario for an ARM backend (Aci, ContainerAppsJob): its settings, then the test's; started unless asked not to.</summary>
    public static async Task<Scenario> ForArmAsync(Storage storage, IReadOnlyDictionary<string, string?> backend, bool start, Action<Dictionary<string, string?>>? configure)
    {
        var scenario = await new Scenario(storage).CreateAsync(configure: s =>
        {
            foreach (var (key, value) in backend)
            {
                s[key] = value;
            }

            configure?.Invoke(s);
        });
        if (start)
        {
            await scenario.StartArmDispatcherAsync();
        }

        return scenario;
    }

    /// <summary>A dispatcher whose ARM calls carry the fakes' fixed token: Entra is out of reach in tests.</summary>
    public Task<WebApplication> StartArmDispatcherAsync() =>
        StartDispatcherAsync(services => services.AddSingleton<Azure.Core.TokenCredential>(new AciTests.StaticToken()));

    public Task<SendReceipt> SendAsync(string text) => Queue.SendMessageAsync(text, TestContext.Current.CancellationToken).ContinueWith(t => t.Result.Value, TaskScheduler.Default);

    public static string Echo(string taskId, int delayMs = 0, int exitCode = 0, int? timeoutSeconds = null) =>
        $$"""{"taskId":"{{taskId}}","taskType":"echo","data":{"delayMs":{{delayMs}},"exitCode":{{exitCode}}}{{(timeoutSeconds is { } t ? $",\"timeoutSeconds\":{t}" : "")}}}""";

    public async Task<int> ApproximateCountAsync(QueueClient queue) =>
        (await queue.ExistsAsync(TestContext.Current.CancellationToken)).Value
            ? (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount
            : 0;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _dispatchers)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }

        await Receiver.DisposeAsync();
        KillLeftoverRuns();
    }

    /// <summary>Task processes a test left behind (a failed assertion mid-run): every shell whose command line names our folder.</summary>
    public void KillLeftoverRuns()
    {
        foreach (var pid in RunPids())
        {
            try
            {
                System.Diagnostics.Process.Start("kill", ["-KILL", "--", $"-{pid}"])?.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    /// <summary>Live run processes of this scenario: wrapper shells (their command line names the folder) and workers (TASK_RUN_FOLDER).</summary>
    public IReadOnlyList<int> RunPids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var named = File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(StateDirectory, StringComparison.Ordinal)
                        || File.ReadAllText(Path.Combine(dir, "environ")).Contains($"TASK_RUN_FOLDER={StateDirectory}", StringComparison.Ordinal);
                    if (named
                        && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ", StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return pids;
    }
}
