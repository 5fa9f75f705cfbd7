namespace Aspire.Hosting.Vm;

/// <summary>
/// One compose service. <see cref="Environment"/>, <see cref="Command"/> and <see cref="Volumes"/> hold compose text
/// (<c>$$</c> for a literal dollar, <c>${NAME}</c> for a value from <c>.env</c>); <see cref="HealthCheck"/> holds
/// literal text, escaped when written.
/// </summary>
internal sealed record ComposeService(string Name, string Image)
{
    public string? Entrypoint { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Volumes { get; init; } = [];

    public IReadOnlyList<string> Ports { get; init; } = [];

    public required IReadOnlyList<string> HealthCheck { get; init; }

    /// <summary>Services this one starts after, with compose's condition (<c>service_healthy</c>, ...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> DependsOn { get; init; } = [];
}
