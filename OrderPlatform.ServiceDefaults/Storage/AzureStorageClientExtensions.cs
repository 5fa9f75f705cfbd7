using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrderPlatform.ServiceDefaults.Storage;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers Azure Storage service clients the way the official Aspire client integrations
/// (<c>Aspire.Azure.Storage.Blobs</c>, <c>Aspire.Azure.Storage.Queues</c>, not served to us) do: same method names,
/// configuration keys and settings, one singleton client and a health check per connection. Unlike the official ones a
/// missing connection fails at registration, so a service does not start half-configured.
/// </summary>
public static class AzureStorageClientExtensions
{
    private const string BlobsSectionName = "Aspire:Azure:Storage:Blobs";
    private const string QueuesSectionName = "Aspire:Azure:Storage:Queues";

    /// <summary>
    /// Registers a singleton <see cref="BlobServiceClient"/> for <c>ConnectionStrings:&lt;connectionName&gt;</c> and a
    /// health check named <paramref name="connectionName"/>.
    /// </summary>
    /// <param name="builder">The builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The connection string's name; also the health check's name.</param>
    /// <param name="configureSettings">Runs after the settings are read from configuration.</param>
    /// <param name="configureClientOptions">Adjusts the client options (retries, diagnostics) before the client is built.</param>
    /// <remarks>Reads the <c>Aspire:Azure:Storage:Blobs</c> and <c>Aspire:Azure:Storage:Blobs:&lt;connectionName&gt;</c> sections.</remarks>
    /// <exception cref="InvalidOperationException">Neither a connection string nor a service URI is configured.</exception>
    public static void AddAzureBlobServiceClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<AzureStorageBlobsSettings>? configureSettings = null,
        Action<BlobClientOptions>? configureClientOptions = null)
    {
        var settings = ReadSettings(builder, BlobsSectionName, connectionName, configureSettings);
        builder.Services.AddSingleton(_ =>
        {
            var options = new BlobClientOptions();
            configureClientOptions?.Invoke(options);
            return string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new BlobServiceClient(settings.ServiceUri, settings.Credential ?? new DefaultAzureCredential(), options)
                : new BlobServiceClient(settings.ConnectionString, options);
        });
        AddHealthCheck(builder, settings, connectionName,
            sp => new BlobServiceHealthCheck(sp.GetRequiredService<BlobServiceClient>()));
    }

    /// <summary>
    /// Registers a singleton <see cref="QueueServiceClient"/> for <c>ConnectionStrings:&lt;connectionName&gt;</c> and a
    /// health check named <paramref name="connectionName"/>.
    /// </summary>
    /// <param name="builder">The builder to read configuration from and add services to.</param>
    /// <param name="connectionName">The connection string's name; also the health check's name.</param>
    /// <param name="configureSettings">Runs after the settings are read from configuration.</param>
    /// <param name="configureClientOptions">Adjusts the client options (retries, message encoding) before the client is built.</param>
    /// <remarks>Reads the <c>Aspire:Azure:Storage:Queues</c> and <c>Aspire:Azure:Storage:Queues:&lt;connectionName&gt;</c> sections.</remarks>
    /// <exception cref="InvalidOperationException">Neither a connection string nor a service URI is configured.</exception>
    public static void AddAzureQueueServiceClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<AzureStorageQueuesSettings>? configureSettings = null,
        Action<QueueClientOptions>? configureClientOptions = null)
    {
        var settings = ReadSettings(builder, QueuesSectionName, connectionName, configureSettings);
        builder.Services.AddSingleton(_ =>
        {
            var options = new QueueClientOptions();
            configureClientOptions?.Invoke(options);
            return string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new QueueServiceClient(settings.ServiceUri, settings.Credential ?? new DefaultAzureCredential(), options)
                : new QueueServiceClient(settings.ConnectionString, options);
        });
        AddHealthCheck(builder, settings, connectionName,
            sp => new QueueServiceHealthCheck(sp.GetRequiredService<QueueServiceClient>()));
    }

    // The official order: shared section, then the connection's own section, then the connection string, then code.
    private static TSettings ReadSettings<TSettings>(
        IHostApplicationBuilder builder, string sectionName, string connectionName, Action<TSettings>? configure)
        where TSettings : AzureStorageSettings, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new TSettings();
        var section = builder.Configuration.GetSection(sectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        settings.ParseConnectionString(builder.Configuration.GetConnectionString(connectionName));
        configure?.Invoke(settings);

        return settings.IsEmpty
            ? throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing. Run through the AppHost or set ConnectionStrings__{connectionName}.")
            : settings;
    }

    private static void AddHealthCheck(
        IHostApplicationBuilder builder, AzureStorageSettings settings, string connectionName, Func<IServiceProvider, IHealthCheck> create)
    {
        // The property key Aspire's integrations use, so no two of them register one name: the health check service
        // refuses duplicate names.
        var key = $"Aspire.HealthChecks.{connectionName}";
        if (settings.DisableHealthChecks || builder.Properties.ContainsKey(key))
        {
            return;
        }

        builder.Properties[key] = true;
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(connectionName, create, failureStatus: null, tags: null));
    }
}
