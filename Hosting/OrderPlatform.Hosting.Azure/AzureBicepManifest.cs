using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace Aspire.Hosting.Azure;

/// <summary>
/// Writes an <c>azure.bicep.v0</c> manifest entry in the order Aspire's Azure resources write theirs (<c>type</c>,
/// <c>connectionString</c>, <c>path</c>, <c>params</c>), with the module saved as <c>{name}.module.bicep</c> next to
/// the manifest. A parameter given as <c>""</c> is left for azd to fill (<c>principalId</c>, <c>principalType</c>).
/// </summary>
internal static class AzureBicepManifest
{
    public static async Task WriteAsync(ManifestPublishingContext context, IResource resource, string template,
        IReadOnlyList<KeyValuePair<string, object>>? parameters = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(context.ManifestPath))!;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{resource.Name}.module.bicep");
        await File.WriteAllTextAsync(path, template, context.CancellationToken).ConfigureAwait(false);

        context.Writer.WriteString("type", "azure.bicep.v0");
        context.WriteConnectionString(resource);
        context.Writer.WriteString("path", context.GetManifestRelativePath(path));
        if (parameters is { Count: > 0 })
        {
            context.Writer.WriteStartObject("params");
            foreach (var (name, value) in parameters)
            {
                context.Writer.WriteString(name, value is IManifestExpressionProvider expression ? expression.ValueExpression : value.ToString());
                context.TryAddDependentResources(value);
            }
            context.Writer.WriteEndObject();
        }
    }
}

/// <summary>
/// The <c>{name}-roles</c> module of an Azure resource: data-plane role assignments for the identity azd creates for
/// the app (its <c>principalId</c>/<c>principalType</c> are left empty for azd to fill). Exists in publish mode only.
/// </summary>
internal sealed class AzureRoleAssignmentsResource(string name) : Resource(name)
{
    public static void Add(IDistributedApplicationBuilder builder, IResource target, Func<string> template,
        IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        var roles = new AzureRoleAssignmentsResource($"{target.Name}-roles");
        builder.AddResource(roles)
            .WithManifestPublishingCallback(context => AzureBicepManifest.WriteAsync(context, roles, template(), parameters));
    }
}
