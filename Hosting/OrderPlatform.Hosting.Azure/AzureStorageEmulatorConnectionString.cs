using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The emulator's connection string: Azurite's well-known development account (published by Microsoft, not a secret)
/// with the endpoint the AppHost allocated, path-style (<c>http://127.0.0.1:port/devstoreaccount1</c>).
/// </summary>
internal static class AzureStorageEmulatorConnectionString
{
    internal const string AccountName = "devstoreaccount1";

    private const string Header = "DefaultEndpointsProtocol=http;AccountName=" + AccountName
        + ";AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";

    /// <summary><paramref name="service"/> is <c>blob</c> or <c>queue</c>, which gives the key <c>BlobEndpoint</c> or <c>QueueEndpoint</c>.</summary>
    public static ReferenceExpression Create(string service, EndpointReference endpoint)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral($"{Header}{char.ToUpperInvariant(service[0])}{service[1..]}Endpoint=");
        builder.Append($"{endpoint.Property(EndpointProperty.Scheme)}://{endpoint.Property(EndpointProperty.IPV4Host)}:{endpoint.Property(EndpointProperty.Port)}/{AccountName};");
        return builder.Build();
    }
}
