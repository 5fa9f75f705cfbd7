using System.Runtime.CompilerServices;
using OrderPlatform.Hosting.Publishing.Vm;

[assembly: InternalsVisibleTo("OrderPlatform.Publishing.Tests")]

namespace OrderPlatform.Hosting.Publishing;

/// <summary>Writes the app model somewhere (<c>--publisher NAME --output-path PATH</c>) and starts nothing.</summary>
public interface IDistributedApplicationPublisher
{
    /// <summary>Writes the model to <see cref="DistributedApplicationPublishContext.OutputPath"/>.</summary>
    Task PublishAsync(DistributedApplicationPublishContext context, CancellationToken cancellationToken);
}

/// <summary>The publishers every AppHost has; no registration step, so azd's <c>--publisher manifest</c> always works.</summary>
public static class BuiltInPublishers
{
    /// <summary>By <c>--publisher</c> name.</summary>
    public static IReadOnlyDictionary<string, IDistributedApplicationPublisher> All { get; } =
        new Dictionary<string, IDistributedApplicationPublisher>(StringComparer.Ordinal)
        {
            ["manifest"] = new ManifestPublisher(),
            ["vm"] = new VmPublisher(),
        };
}
