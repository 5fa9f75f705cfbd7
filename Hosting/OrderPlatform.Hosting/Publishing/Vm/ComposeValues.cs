using System.Globalization;
using System.Text;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Publishing.Vm;

/// <summary>
/// Turns the publish-mode values (the same manifest expressions azd resolves) into Docker Compose values for the
/// single-VM bundle: hosts are compose service names, ports are target ports, parameters are <c>${NAME}</c> from
/// <c>.env</c>, and Azure-only resources map to what runs on the VM (Azurite for Storage, nothing for Cosmos).
/// </summary>
internal sealed class ComposeValues(IReadOnlyList<IResource> model)
{
    /// <summary>Port the SDK's container images listen on (<c>ContainerPort</c> default for ASP.NET Core).</summary>
    public const int ProjectPort = 8080;

    /// <summary>Azurite account the bundle creates (its key is <c>STORAGE_ACCOUNT_KEY</c> in .env).</summary>
    public const string StorageAccount = "orderplatform";

    public const string StorageKeyVariable = "STORAGE_ACCOUNT_KEY";

    /// <summary>The .env variable holding a parameter's value.</summary>
    public static string Variable(string name) => name.ToUpperInvariant().Replace('-', '_');

    public static string Escape(string literal) => literal.Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>A callback value (string or late-bound) as a compose string.</summary>
    public string Resolve(object value) => value switch
    {
        string s => Escape(s),
        IManifestExpressionProvider p => Evaluate(p.ValueExpression, 0),
        _ => Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    public static int TargetPort(IResource resource, EndpointAnnotation endpoint) =>
        endpoint.TargetPort ?? (resource is ProjectResource ? ProjectPort : endpoint.Port
            ?? throw new DistributedApplicationException($"Endpoint '{resource.Name}/{endpoint.Name}' needs a target port for the VM bundle."));

    private string Evaluate(string expression, int depth)
    {
        if (depth > 8)
        {
            throw new DistributedApplicationException($"Expression nests too deeply: {expression}");
        }
        var sb = new StringBuilder();
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if ((c == '{' || c == '}') && i + 1 < expression.Length && expression[i + 1] == c)
            {
                sb.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var end = expression.IndexOf('}', i);
                sb.Append(Lookup(expression[(i + 1)..end], depth));
                i = end;
            }
            else
            {
                sb.Append(c == '$' ? "$$" : c);
            }
        }
        return sb.ToString();
    }

    private string Lookup(string path, int depth)
    {
        var parts = path.Split('.');
        var resource = model.FirstOrDefault(r => r.Name == parts[0])
            ?? throw new DistributedApplicationException($"Expression '{{{path}}}' names no resource in the model.");
        return parts[1..] switch
        {
            ["connectionString"] => ConnectionString(resource, depth),
            ["value"] or ["inputs", "value"] => $"${{{Variable(resource.Name)}}}",
            ["bindings", var ep, var property] => Binding(resource, ep, property),
            _ => throw new DistributedApplicationException($"'{{{path}}}' has no meaning on the VM (Azure outputs exist only in Azure)."),
        };
    }

    private string Binding(IResource resource, string endpointName, string property)
    {
        var endpoint = resource.Annotations.OfKind<EndpointAnnotation>().FirstOrDefault(e => e.Name == endpointName)
            ?? throw new DistributedApplicationException($"Resource '{resource.Name}' has no endpoint '{endpointName}'.");
        var port = TargetPort(resource, endpoint).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            "host" => resource.Name,
            "port" or "targetPort" => port,
            "scheme" => endpoint.Scheme,
            "url" => $"{endpoint.Scheme}://{resource.Name}:{port}",
            _ => throw new DistributedApplicationException($"Binding property '{property}' is not supported."),
        };
    }

    private string ConnectionString(IResource resource, int depth) => resource switch
    {
        AzureStorageServiceResource s =>
            $"DefaultEndpointsProtocol=http;AccountName={StorageAccount};AccountKey=${{{StorageKeyVariable}}};"
            + $"{(s.Service == "blob" ? "BlobEndpoint" : "QueueEndpoint")}=http://{s.Parent.Name}:{(s.Service == "blob" ? 10000 : 10001)}/{StorageAccount};",
        // No Cosmos on the VM: an empty connection string makes services keep cases in Postgres.
        AzureCosmosDBResource or AzureCosmosDBDatabaseResource => "",
        // The VM's own Key Vault (infra/vm), reached with the VM's managed identity.
        AzureKeyVaultResource => "${KEYVAULT_URI}",
        ConnectionStringParameterResource p => $"${{{Variable(p.Name)}}}",
        IResourceWithConnectionString r => Evaluate(r.ConnectionStringExpression.ValueExpression, depth + 1),
        _ => throw new DistributedApplicationException($"Resource '{resource.Name}' has no connection string."),
    };
}
