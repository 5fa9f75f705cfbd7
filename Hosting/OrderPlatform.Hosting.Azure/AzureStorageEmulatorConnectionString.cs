using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The emulator's connection string: Azurite's well-known development account (published by Microsoft, not a secret)
/// with the endpoints the AppHost allocated, path-style (<c>http://127.0.0.1:port/devstoreaccount1</c>).
/// </summary>
internal static class AzureStorageEmulatorConnectionString
{
    internal const string AccountName = "devstoreaccount1";

    private const string Header = "DefaultEndpointsProtocol=http;AccountName=" + AccountName
        + ";AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";

    public static ReferenceExpression Create(EndpointReference? blobEndpoint = null, EndpointReference? queueEndpoint = null, EndpointReference? tableEndpoint = null)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral(Header);
        Append(builder, "BlobEndpoint", blobEndpoint);
        Append(builder, "QueueEndpoint", queueEndpoint);
        Append(builder, "TableEndpoint", tableEndpoint);
        return builder.Build();
    }

    private static void Append(ReferenceExpressionBuilder builder, string key, EndpointReference? endpoint)
    {
        if (endpoint is not null)
        {
            builder.Append($"{key}={endpoint.Property(EndpointProperty.Scheme)}://{endpoint.Property(EndpointProperty.IPV4Host)}:{endpoint.Property(EndpointProperty.Port)}/{AccountName};");
        }
    }
}
