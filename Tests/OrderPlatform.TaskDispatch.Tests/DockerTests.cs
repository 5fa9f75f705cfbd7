using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrderPlatform.TaskDispatcher.Backends;
using OrderPlatform.TaskDispatcher.Backends.Docker;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The Docker backend against a fake engine on a unix socket, alone and under the dispatcher (with Azurite).</summary>
public sealed class DockerTests(Storage storage)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AContainerIsCreatedStartedInspectedLoggedAndRemovedByItsName()
    {
        await using var docker = await FakeDocker.StartAsync();
        var backend = Backend(docker, new DockerOptions { NetworkMode = "host", Environment = { ["ConnectionStrings__blobs"] = "b" } });

        Assert.Null(await backend.GetAsync("acme-m1", Ct));
        await backend.StartAsync(new TaskStartRequest("acme-m1", "acme", "m-1", "echo", """{"taskId":"1","taskType":"echo","data":{"exitCode":0}}"""), Ct);

        var (name, body) = Assert.Single(docker.Creates);
        Assert.Equal("acme-m1", name);
        Assert.Equal(("acme", "m-1", "echo"), (body["Labels"]![DockerBackend.ClientLabel]!.GetValue<string>(), body["Labels"]![DockerBackend.MessageIdLabel]!.GetValue<string>(), body["Labels"]![DockerBackend.TaskTypeLabel]!.GetValue<string>()));
        Assert.False(body["HostConfig"]!["AutoRemove"]!.GetValue<bool>());
        Assert.Equal("host", body["HostConfig"]!["NetworkMode"]!.GetValue<string>());
        var env = body["Env"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray();
        Assert.Contains("""TASK_DATA={"taskId":"1","taskType":"echo","data":{"exitCode":0}}""", env);
        Assert.Contains("ConnectionStrings__blobs=b", env);
        Assert.Equal(["acme-m1"], docker.Starts);

        var running = await backend.GetAsync("acme-m1", Ct);
        Assert.Equal(TaskInstanceState.Running, running!.State);
        Assert.NotNull(running.StartedAt);
        var done = await backend.GetAsync("acme-m1", Ct);
        done = done!.IsTerminal ? done : await backend.GetAsync("acme-m1", Ct);
        Assert.Equal((TaskInstanceState.Succeeded, 0, true), (done!.State, done.ExitCode, done.Succeeded));
        Assert.NotNull(done.FinishedAt);

        Assert.Equal("log of acme-m1\na line on stderr\nexit 0\n", await backend.GetLogTailAsync("acme-m1", 100, Ct));
        Assert.Equal("exit 0\n", await backend.GetLogTailAsync("acme-m1", 1, Ct));
        await backend.DeleteAsync("acme-m1", Ct);
        Assert.Null(await backend.GetAsync("acme-m1", Ct));
        await backend.DeleteAsync("acme-m1", Ct);
        Assert.Equal("", await backend.GetLogTailAsync("acme-m1", 10, Ct));
    }

    [Theory]
    [InlineData("exited", 0, TaskInstanceState.Succeeded)]
    [InlineData("exited", 2, TaskInstanceState.Failed)]
    [InlineData("running", 0, TaskInstanceState.Running)]
    public async Task ANameThatExistsIsAdoptedNeverStartedAgain(string status, int exitCode, TaskInstanceState state)
    {
        await using var docker = await FakeDocker.StartAsync();
        var backend = Backend(docker);
        docker.Seed("acme-m2", status, exitCode);

        // A start that races the GET (409 on create) leaves a container that already ran alone.
        await backend.StartAsync(new TaskStartRequest("acme-m2", "acme", "m-2", "echo", "{}"), Ct);

        Assert.Empty(docker.Starts);
        Assert.Equal(state, (await backend.GetAsync("acme-m2", Ct))!.State);
    }

    [Fact]
    public async Task ACreatedContainerIsStartedOnConflictAndFailsOnceItsCreatorIsLongGone()
    {
        await using var docker = await FakeDocker.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var backend = Backend(docker, time: clock);
        docker.Seed("acme-m3", "created");
        docker.Seed("acme-m4", "created", created: clock.GetUtcNow());

        await backend.StartAsync(new TaskStartRequest("acme-m3", "acme", "m-3", "echo", "{}"), Ct);
        Assert.Equal(["acme-m3"], docker.Starts);

        Assert.Equal(TaskInstanceState.Pending, (await backend.GetAsync("acme-m4", Ct))!.State);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TaskInstanceState.Failed, (await backend.GetAsync("acme-m4", Ct))!.State);
    }

    [Fact]
    public async Task AMissingImageIsATypedErrorNamingTheImage()
    {
        await using var docker = await FakeDocker.StartAsync();
        docker.Images.Clear();

        var error = await Assert.ThrowsAsync<DockerException>(() => Backend(docker).StartAsync(new TaskStartRequest("acme-m5", "acme", "m-5", "echo", """{"secret":"s3"}"""), Ct));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("orderplatform-taskworker:latest", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLogStreamIsDemultiplexedBoundedAndRejectedWhenNotFramed()
    {
        var big = Frame(1, new string('x', DockerLogStream.MaxBytes + 10));
        Assert.Equal(DockerLogStream.MaxBytes, (await DockerLogStream.ReadAsync(new MemoryStream([.. Frame(2, "e\n"), .. big]), Ct)).Length);
        Assert.Equal("", await DockerLogStream.ReadAsync(new MemoryStream(), Ct));
        await Assert.ThrowsAsync<DockerException>(() => DockerLogStream.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("plain text, a TTY's log")), Ct));
    }

    [Fact]
    public async Task AutoPicksDockerWhenTheEngineAnswersWithTheImageAndLocalOtherwise()
    {
        await using var docker = await FakeDocker.StartAsync();
        await using var withEngine = await new Scenario(storage).CreateAsync(configure: s => s["TaskDispatch:Docker:Socket"] = docker.Socket);
        await using var withoutImage = await new Scenario(storage).CreateAsync(configure: s => (s["TaskDispatch:Docker:Socket"], s["TaskDispatch:Docker:Image"]) = (docker.Socket, "other:1"));
        await using var withoutEngine = await new Scenario(storage).CreateAsync(configure: s => s["TaskDispatch:Docker:Socket"] = "/nonexistent/docker.sock");

        Assert.IsType<DockerBackend>((await withEngine.StartDispatcherAsync()).Services.GetRequiredService<ITaskBackend>());
        Assert.IsType<LocalProcessBackend>((await withoutImage.StartDispatcherAsync()).Services.GetRequiredService<ITaskBackend>());
        Assert.IsType<LocalProcessBackend>((await withoutEngine.StartDispatcherAsync()).Services.GetRequiredService<ITaskBackend>());
    }

    [Fact]
    public async Task UnderTheDispatcherAMessageBecomesOneContainerRemovedAfterItsWebhook()
    {
        await using var docker = await FakeDocker.StartAsync();
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => (s["TaskDispatch:Backend"], s["TaskDispatch:Docker:Socket"]) = ("Docker", docker.Socket));
        await scenario.StartDispatcherAsync();
        var sent = await scenario.SendAsync(Scenario.Echo("docker-1"));

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0 && docker.Containers.IsEmpty,
            () => $"the webhook, the delete and the container's removal (creates {docker.Creates.Count}, containers {docker.Containers.Count})");

        var (name, body) = Assert.Single(docker.Creates);
        Assert.Equal(TaskNames.For($"{scenario.Prefix}acme", sent.MessageId), name);
        // The container gets the documents' store the dispatcher has (a local process would inherit it).
        Assert.Contains($"ConnectionStrings__blobs={storage.Blobs}", body["Env"]!.AsArray().Select(e => e!.GetValue<string>()));
        var call = Assert.Single(scenario.Receiver.Calls);
        Assert.Equal(("succeeded", 0), (call.Report.Outcome, call.Report.ExitCode));
        Assert.Contains("a line on stderr", call.Report.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderTheDispatcherARunningContainerOfARedeliveredMessageIsAdopted()
    {
        await using var docker = await FakeDocker.StartAsync();
        await using var scenario = await new Scenario(storage).CreateAsync(configure: s => (s["TaskDispatch:Backend"], s["TaskDispatch:Docker:Socket"]) = ("Docker", docker.Socket));
        var sent = await scenario.SendAsync(Scenario.Echo("docker-adopt"));
        docker.Seed(TaskNames.For($"{scenario.Prefix}acme", sent.MessageId), "running").Inspects = 0;
        await scenario.StartDispatcherAsync();

        await Storage.EventuallyAsync(async () => !scenario.Receiver.Calls.IsEmpty && await scenario.ApproximateCountAsync(scenario.Queue) == 0 && docker.Containers.IsEmpty,
            () => $"completion of the adopted container (creates {docker.Creates.Count})");

        Assert.Empty(docker.Creates);
        Assert.Empty(docker.Starts);
        Assert.Equal("succeeded", Assert.Single(scenario.Receiver.Calls).Report.Outcome);
    }

    private static DockerBackend Backend(FakeDocker docker, DockerOptions? options = null, TimeProvider? time = null)
    {
        options ??= new DockerOptions();
        options.Socket = docker.Socket;
        return new DockerBackend(DockerBackend.CreateClient(options), Options.Create(options), time ?? TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DockerBackend>.Instance);
    }

    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
