using Microsoft.Extensions.Configuration;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Hosting;

/// <summary>An Azure Key Vault. Published as an <c>azure.bicep.v0</c> module; locally only a configured <c>ConnectionStrings:{name}</c> (a real vault URI), else empty.</summary>
public sealed class AzureKeyVaultResource(string name, ReferenceExpression runConnectionString, DistributedApplicationExecutionContext executionContext)
    : Resource(name), IResourceWithConnectionString
{
    /// <summary>Publish: <c>{name.outputs.vaultUri}</c>.</summary>
    public ReferenceExpression ConnectionStringExpression => executionContext.IsPublishMode
        ? ReferenceExpression.Create($"{new BicepOutputReference(this, "vaultUri")}")
        : runConnectionString;
}

/// <summary>Key Vault verbs.</summary>
public static class AzureKeyVaultExtensions
{
    /// <summary>Adds a Key Vault (RBAC authorisation; the app's identity gets Key Vault Secrets User).</summary>
    public static IResourceBuilder<AzureKeyVaultResource> AddAzureKeyVault(this IDistributedApplicationBuilder builder, string name)
    {
        var configured = builder.Configuration.GetConnectionString(name) ?? "";
        var vault = new AzureKeyVaultResource(name, ReferenceExpression.Literal(configured), builder.ExecutionContext);
        return builder.AddResource(vault)
            .WithAnnotation(new ManifestPublishingCallbackAnnotation(ctx => AzureBicepModules.WriteKeyVaultAsync(ctx, vault)));
    }
}
