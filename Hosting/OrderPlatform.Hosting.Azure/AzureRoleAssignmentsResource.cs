using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The <c>{name}-roles</c> module of an Azure resource: data-plane role assignments for the identity azd creates for
/// the app (its <c>principalId</c>/<c>principalType</c> are left empty for azd to fill). Exists in publish mode only.
/// </summary>
internal sealed class AzureRoleAssignmentsResource(string name, IResource target) : Resource(name)
{
    /// <summary>The resource the roles are granted on.</summary>
    public IResource Target { get; } = target;

    public static void Add(IDistributedApplicationBuilder builder, IResource target, Func<string> template,
        IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        var roles = new AzureRoleAssignmentsResource($"{target.Name}-roles", target);
        builder.AddResource(roles)
            .WithManifestPublishingCallback(context => AzureBicepManifest.WriteAsync(context, roles, template(), parameters));
    }
}
