using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Vm;

/// <summary>
/// How a kind of resource that has no container of its own in the app model (Azure services, published as Bicep)
/// appears on the VM: the service that stands in for it, its connection strings there, and the <c>.env</c> variables it
/// needs. The bundle consults every mapping of <see cref="VmServiceMappings.Create"/> before its own rules.
/// </summary>
internal abstract class VmServiceMapping
{
    /// <summary>Whether the resource (an account or one of its children) is this mapping's.</summary>
    public abstract bool Handles(IResource resource);

    /// <summary>The compose service that runs the resource, for a resource that gets one; otherwise null.</summary>
    public virtual ComposeService? Service(IResource resource) => null;

    /// <summary>The compose service a dependent waits for (null: nothing runs on the VM).</summary>
    public abstract string? ServiceName(IResource resource);

    /// <summary>The resource's connection string as compose text.</summary>
    public abstract string ConnectionString(IResource resource);

    /// <summary>The compose text standing for an output of the resource's Bicep module, or null if it has none on the VM.</summary>
    public virtual string? Output(IResource resource, string output) => null;

    /// <summary><c>.env.template</c> entries (a comment line, then <c>NAME=</c>) when the model has such resources.</summary>
    public virtual IEnumerable<string> EnvTemplate(IReadOnlyList<IResource> model) => [];
}

/// <summary>The mappings the bundle knows.</summary>
internal static class VmServiceMappings
{
    /// <summary>Azure Storage as Azurite; Cosmos DB absent (empty connection strings).</summary>
    public static IReadOnlyList<VmServiceMapping> Create(VmBundleOptions options) => [new AzuriteMapping(options.AzuriteImage), new CosmosAbsentMapping()];

    public static VmServiceMapping? For(IResource resource, IReadOnlyList<VmServiceMapping> mappings) =>
        mappings.FirstOrDefault(m => m.Handles(resource));
}
