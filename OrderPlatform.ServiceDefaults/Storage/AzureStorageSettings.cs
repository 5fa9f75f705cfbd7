using Azure.Core;

namespace OrderPlatform.ServiceDefaults.Storage;

/// <summary>
/// How a Storage service client connects: read from <c>ConnectionStrings:&lt;name&gt;</c> and the
/// <c>Aspire:Azure:Storage:&lt;Blobs|Queues&gt;[:&lt;name&gt;]</c> sections, the keys the official Aspire client
/// integrations read, so a later move to them keeps the configuration.
/// </summary>
public abstract class AzureStorageSettings
{
    /// <summary>A full storage connection string (account key, Azurite); when set it wins over <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The service endpoint, such as <c>https://{account}.blob.core.windows.net</c>, used with <see cref="Credential"/>;
    /// it must not carry a shared access signature.
    /// </summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>The credential used with <see cref="ServiceUri"/>; <c>DefaultAzureCredential</c> when not set.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Turns off the health check registered under the connection name. The default is <see langword="false"/>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>True when neither a connection string nor an endpoint was given.</summary>
    internal bool IsEmpty => string.IsNullOrWhiteSpace(ConnectionString) && ServiceUri is null;

    /// <summary>
    /// Takes <c>ConnectionStrings:&lt;name&gt;</c>: the AppHost injects a full connection string for Azurite and a bare
    /// endpoint URL for an Azure account (managed identity).
    /// </summary>
    internal void ParseConnectionString(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        // Only an http(s) URL is an endpoint: on Linux Uri.TryCreate also takes "/x" as an absolute file URI.
        if (!value.Contains(';') && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            ServiceUri = uri;
        }
        else
        {
            ConnectionString = value;
        }
    }
}

/// <summary>Settings of the <c>BlobServiceClient</c> registered by <c>AddAzureBlobServiceClient</c>.</summary>
public sealed class AzureStorageBlobsSettings : AzureStorageSettings;

/// <summary>Settings of the <c>QueueServiceClient</c> registered by <c>AddAzureQueueServiceClient</c>.</summary>
public sealed class AzureStorageQueuesSettings : AzureStorageSettings;
