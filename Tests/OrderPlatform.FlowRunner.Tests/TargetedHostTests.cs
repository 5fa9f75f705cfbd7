namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// A test class's own FlowRunner host whose http steps may call its <see cref="FakeTarget"/> on 127.0.0.1;
/// <see cref="Settings"/> adds to or overrides the host's settings.
/// </summary>
public abstract class TargetedHostTests(Infrastructure infrastructure) : IAsyncLifetime
{
    protected Infrastructure Infrastructure { get; } = infrastructure;

    protected FlowRunnerHost Host { get; private set; } = null!;

    protected FakeTarget Target { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync()
    {
        Target = await FakeTarget.StartAsync();
        Host = await FlowRunnerHost.StartAsync(Infrastructure, new Dictionary<string, string?>(Settings) { ["FlowRunner:Http:AllowedPrivateTargets:0"] = "127.0.0.1" });
    }

    // Safe to call twice (a derived InitializeAsync that fails cleans up at once, and xunit may dispose again).
    public virtual async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
            Host = null!;
        }

        if (Target is not null)
        {
            await Target.DisposeAsync();
            Target = null!;
        }
    }

    protected string Url(string path) => new Uri(Target.Address, path).ToString();
}
