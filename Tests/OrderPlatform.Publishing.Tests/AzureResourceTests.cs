using OrderPlatform.Hosting;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Publishing.Vm;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Cosmos DB and Key Vault outside Azure: absent locally without a container engine, mapped on the VM.</summary>
public sealed class AzureResourceTests
{
    [Fact]
    public async Task WithoutAContainerEngineCosmosIsAbsentAndItsConnectionStringsAreEmpty()
    {
        var builder = DistributedApplicationTestingBuilder.Create("--runtime", "local");
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var orders = cosmos.AddCosmosDatabase("orders");
        Assert.False(cosmos.Resource.IsEmulator);
        Assert.Empty(cosmos.Resource.Annotations.OfKind<LocalLaunchAnnotation>());
        Assert.Equal("", await cosmos.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("", await orders.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LocallyKeyVaultIsTheConfiguredVaultOrEmpty()
    {
        var builder = DistributedApplicationTestingBuilder.Create("--runtime", "local");
        builder.Configuration["ConnectionStrings:vault"] = "https://op-dev.vault.azure.net/";
        var configured = builder.AddAzureKeyVault("vault");
        var absent = builder.AddAzureKeyVault("other-vault");
        Assert.Equal("https://op-dev.vault.azure.net/", await configured.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("", await absent.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OnTheVmCosmosIsEmptyKeyVaultIsTheVmsVaultAndNeitherIsAService()
    {
        var builder = Manifests.Builder("vm");
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var orders = cosmos.AddCosmosDatabase("orders");
        var vault = builder.AddAzureKeyVault("vault");
        builder.AddProject<Projects.OrderPlatform_AppHost>("api")
            .WithReference(orders).WithReference(vault).WaitFor(orders);
        await new VmPublisher().PublishAsync(new DistributedApplicationPublishContext(builder, builder.Options.OutputPath!), TestContext.Current.CancellationToken);
        var compose = await File.ReadAllTextAsync(Path.Combine(builder.Options.OutputPath!, "compose.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("ConnectionStrings__orders: \"\"", compose, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__vault: \"${KEYVAULT_URI}\"", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("  cosmos:", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("depends_on", compose.Split("  nginx:")[0], StringComparison.Ordinal);
        Assert.Contains("\nKEYVAULT_URI=", await File.ReadAllTextAsync(Path.Combine(builder.Options.OutputPath!, ".env.template"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
