using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Backends.Aci;
using OrderPlatform.TaskDispatcher.Backends.Arm;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The Aci backend against the ARM fake: create, poll, logs, delete, throttling, quota errors, the janitor.</summary>
public sealed class AciTests
{
    private static readonly TaskStartRequest Request = new("acme-0f8fad5bd9cb469fa16570867728950e", "acme", "0f8fad5b-d9cb-469f-a165-70867728950e", "echo",
        """{"taskId":"t-1","taskType":"echo","data":{"exitCode":0}}""");

    [Fact]
    public async Task AGroupIsCreatedPolledToSuccessItsLogsReadAndDeleted()
    {
        await using var arm = await FakeArm.StartAsync();
        var backend = Backend(arm);

        Assert.Null(await backend.GetAsync(Request.Name, TestContext.Current.CancellationToken));
        await backend.StartAsync(Request, TestContext.Current.CancellationToken);
        var states = new List<TaskInstanceState>();
        TaskInstance? instance;
        do
        {
            instance = await backend.GetAsync(Request.Name, TestContext.Current.CancellationToken);
            states.Add(instance!.State);
        }
        while (!instance.IsTerminal);
        var log = await backend.GetLogTailAsync(Request.Name, 50, TestContext.Current.CancellationToken);
        await backend.DeleteAsync(Request.Name, TestContext.Current.CancellationToken);

        Assert.Equal([TaskInstanceState.Running, TaskInstanceState.Running, TaskInstanceState.Running, TaskInstanceState.Succeeded], states);
        Assert.True(instance.Succeeded);
        Assert.Equal($"log of {Request.Name} (tail 50)", log);
        Assert.Empty(arm.Store);
        Assert.Null(await backend.GetAsync(Request.Name, TestContext.Current.CancellationToken));
        var (name, body) = Assert.Single(arm.Puts);
        Assert.Equal(Request.Name, name);
        var properties = body["properties"]!;
        Assert.Equal(("Never", "Linux", "Standard"), (properties["restartPolicy"]!.GetValue<string>(), properties["osType"]!.GetValue<string>(), properties["sku"]!.GetValue<string>()));
        Assert.Equal("/id/task-identity", properties["imageRegistryCredentials"]![0]!["identity"]!.GetValue<string>());
        Assert.Equal("UserAssigned", body["identity"]!["type"]!.GetValue<string>());
        var taskData = properties["containers"]![0]!["properties"]!["environmentVariables"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "TASK_DATA")!;
        Assert.Equal(Request.TaskData, taskData["secureValue"]!.GetValue<string>());
        Assert.Null(taskData["value"]);
        Assert.Equal("registry.example.io/orderplatform-taskworker:latest", properties["containers"]![0]!["properties"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task AThrottledCreateWaitsOutRetryAfterAndIsSentAgain()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.ThrottleNextPuts = 1;
        var started = DateTime.UtcNow;

        await Backend(arm).StartAsync(Request, TestContext.Current.CancellationToken);

        Assert.Equal(2, arm.Puts.Count);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "the retry did not wait for Retry-After: 1");
        Assert.True(arm.Store.ContainsKey(Request.Name));
    }

    [Fact]
    public async Task AQuotaErrorCarriesArmsCodeAndFreesTheLiveGroupSlot()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.GroupQuota = 0;
        var backend = Backend(arm);

        var error = await Assert.ThrowsAsync<ArmException>(() => backend.StartAsync(Request, TestContext.Current.CancellationToken));

        Assert.Equal(("ContainerGroupQuotaReached", 409), (error.Code, error.Status));
        Assert.Equal(3, backend.LiveGroupsFree);
    }

    [Fact]
    public async Task TheLiveGroupCeilingHoldsACreateUntilAGroupIsDeleted()
    {
        await using var arm = await FakeArm.StartAsync();
        var backend = Backend(arm);
        for (var i = 0; i < 3; i++)
        {
            await backend.StartAsync(Request with { Name = $"acme-{i}" }, TestContext.Current.CancellationToken);
        }

        var fourth = backend.StartAsync(Request with { Name = "acme-3" }, TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(fourth.IsCompleted);
        await backend.DeleteAsync("acme-0", TestContext.Current.CancellationToken);
        await fourth.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(4, arm.Puts.Count);
    }

    [Fact]
    public async Task TheJanitorRemovesOnlyTerminalGroupsFinishedLongerAgoThanTheGrace()
    {
        await using var arm = await FakeArm.StartAsync();
        arm.Seed("acme-orphan", "Succeeded", 0, DateTimeOffset.UtcNow.AddMinutes(-3));
        arm.Seed("acme-failed-orphan", "Failed", 1, DateTimeOffset.UtcNow.AddMinutes(-2));
        arm.Seed("acme-just-finished", "Succeeded", 0, DateTimeOffset.UtcNow);
        arm.Seed("acme-running", "Running");
        var backend = Backend(arm);
        var janitor = new AciJanitor(backend, Options.Create(Aci(arm)), TimeProvider.System, NullLogger<AciJanitor>.Instance);

        var removed = await janitor.SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["acme-failed-orphan", "acme-orphan"], removed.Order());
        Assert.Equal(["acme-just-finished", "acme-running"], arm.Store.Keys.Order());
    }

    [Fact]
    public void TheCreateLimiterNeverAllowsMoreThanAHundredInFiveMinutesOrThreeHundredInAnHour()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limiter = new CreateRateLimiter(100, 300, clock);
        var creates = new List<DateTimeOffset>();
        while (creates.Count < 700)
        {
            if (limiter.TryAcquire(out var wait))
            {
                creates.Add(clock.GetUtcNow());
                // Producers are bursty: several creates in one instant, then a pause.
                clock.Advance(TimeSpan.FromMilliseconds(creates.Count % 7 == 0 ? 900 : 0));
            }
            else
            {
                Assert.True(wait > TimeSpan.Zero);
                clock.Advance(wait);
            }
        }

        foreach (var start in creates)
        {
            Assert.True(creates.Count(t => t >= start && t < start.AddMinutes(5)) <= 100, $"more than 100 creates in the 5 minutes from {start:O}");
            Assert.True(creates.Count(t => t >= start && t < start.AddHours(1)) <= 300, $"more than 300 creates in the hour from {start:O}");
        }

        // The limits are reached, not just respected: 700 creates take a little over two hours.
        Assert.InRange(creates[^1] - creates[0], TimeSpan.FromHours(2), TimeSpan.FromHours(2.2));
    }

    private static AciOptions Aci(FakeArm arm) => new()
    {
        SubscriptionId = "sub-1",
        ResourceGroup = "rg-tasks",
        Location = "westeurope",
        IdentityId = "/id/task-identity",
        RegistryServer = "registry.example.io",
        ManagementEndpoint = arm.Endpoint,
        MaxLiveGroups = 3,
        AsyncPollInterval = TimeSpan.FromMilliseconds(20),
    };

    private static AciBackend Backend(FakeArm arm)
    {
        var options = Aci(arm);
        var client = new ArmClient(new HttpClient(), new StaticToken(), options.ManagementEndpoint, TimeProvider.System, NullLogger<ArmClient>.Instance);
        return new AciBackend(client, Options.Create(options),
            new CreateRateLimiter(options.CreatesPerFiveMinutes, options.CreatesPerHour, TimeProvider.System), TimeProvider.System, NullLogger<AciBackend>.Instance);
    }

    /// <summary>Entra is out of reach in tests: a fixed token the fake ARM checks.</summary>
    public sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(FakeArm.Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
