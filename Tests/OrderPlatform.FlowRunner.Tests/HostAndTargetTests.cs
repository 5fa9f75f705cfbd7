namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// A test class with its own FlowRunner host and a <see cref="FakeTarget"/> for its http steps (on 127.0.0.1, so the
/// host allows that private target); <see cref="Settings"/> adds to or overrides the host's settings.
/// </summary>
public abstract class HostAndTargetTests(Infrastructure infrastructure) : IAsyncLifetime
{
    protected Infrastructure Infrastructure { get; } = infrastructure;

    protected FlowRunnerHost Host { get; private set; } = null!;

    protected FakeTarget Target { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        Target = await FakeTarget.StartAsync();
        var settings = new Dictionary<string, string?>(Settings) { ["FlowRunner:Http:AllowedPrivateTargets:0"] = "127.0.0.1" };
        Host = await FlowRunnerHost.StartAsync(Infrastructure, settings);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Target.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
