using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Blobs;

/// <summary>Section <c>FlowRunner:Blobs</c>: where large bodies go and from what size (spec §10 limits).</summary>
public sealed class BlobOptions
{
    /// <summary>The container in the <c>blobs</c> account (lower-case letters, digits, dashes); created on first use.</summary>
    public string Container { get; set; } = "flowrunner";

    /// <summary>Step outputs larger than this (as JSON) are stored as a blob, the step log keeps its name.</summary>
    [Range(1, int.MaxValue)]
    public int InlineOutputBytes { get; set; } = 32 * 1024;

    /// <summary>Webhook and resume bodies larger than this are stored as a blob before the 2xx.</summary>
    [Range(1, int.MaxValue)]
    public int InlineBodyBytes { get; set; } = 512 * 1024;
}

/// <summary>
/// Run data too large for a Postgres row, in the shared <c>blobs</c> account (ServiceDefaults' registration) under
/// <c>runs/{runId}/...</c>. Postgres stays the truth: a row names its blob only after the upload succeeded.
/// </summary>
public sealed class RunBlobs(BlobServiceClient service, IOptions<FlowRunnerOptions> options)
{
    private volatile bool _created;

    public BlobOptions Limits => options.Value.Blobs;

    public async Task PutAsync(string name, BinaryData data, string? contentType, CancellationToken ct)
    {
        var container = await ContainerAsync().ConfigureAwait(false);
        await container.GetBlobClient(name).UploadAsync(data, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType ?? "application/octet-stream" },
        }, ct).ConfigureAwait(false);
    }

    public async Task<BinaryData> GetAsync(string name, CancellationToken ct)
    {
        var container = await ContainerAsync().ConfigureAwait(false);
        var result = await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false);
        return result.Value.Content;
    }

    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        var container = await ContainerAsync().ConfigureAwait(false);
        await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Every blob a run offloaded (trigger body, step outputs, resume bodies): all live under <c>runs/{runId}/</c>.</summary>
    public async Task<int> DeleteRunAsync(Guid runId, CancellationToken ct)
    {
        var container = await ContainerAsync().ConfigureAwait(false);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"runs/{runId}/", ct).ConfigureAwait(false))
        {
            await container.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            deleted++;
        }

        return deleted;
    }

    /// <summary>The JSON inline when it fits <paramref name="limit"/> bytes, else uploaded as <paramref name="name"/>: (inline, blob).</summary>
    public async Task<(JsonNode? Inline, string? Blob)> OffloadAsync(string name, JsonNode? node, int limit, CancellationToken ct)
    {
        if (node is null)
        {
            return (null, null);
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
        if (bytes.Length <= limit)
        {
            return (node, null);
        }

        await PutAsync(name, new BinaryData(bytes), "application/json", ct).ConfigureAwait(false);
        return (null, name);
    }

    /// <summary>The inline value, or the named blob's JSON.</summary>
    public async Task<JsonNode?> LoadAsync(JsonNode? inline, string? blob, CancellationToken ct) =>
        blob is null ? inline : JsonNode.Parse((await GetAsync(blob, ct).ConfigureAwait(false)).ToMemory().Span);

    // Created once per process; concurrent first calls both ask, which CreateIfNotExists makes harmless.
    private async Task<BlobContainerClient> ContainerAsync()
    {
        var container = service.GetBlobContainerClient(options.Value.Blobs.Container);
        if (!_created)
        {
            await container.CreateIfNotExistsAsync().ConfigureAwait(false);
            _created = true;
        }

        return container;
    }
}
