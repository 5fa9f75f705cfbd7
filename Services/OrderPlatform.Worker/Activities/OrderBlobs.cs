using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using OrderPlatform.Cases;
using OrderPlatform.Worker.Workflows;

namespace OrderPlatform.Worker.Activities;

/// <summary>
/// Step outputs that can grow with the sheet (the parsed table, the reviewed order, the resolved state) live as JSON
/// next to the original upload, so workflow history only carries a <see cref="BlobRef"/>: a real Temporal cluster
/// refuses payloads over 2 MB, and a 10,000-line sheet parses to about 3 MB.
/// </summary>
public sealed class OrderBlobs(BlobServiceClient blobs)
{
    /// <summary>The case folder of a blob in the orders container: <c>{tenant}/{caseId}</c>.</summary>
    public static string Folder(string blobName) => blobName[..blobName.LastIndexOf('/')];

    /// <summary>Writes <paramref name="value"/> to <c>{folder}/{name}</c>; overwriting is safe because a step's output for the same input is the same.</summary>
    public Task<BlobRef> WriteAsync<T>(string folder, string name, T value, int rows, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, CaseJson.Options);
        return UploadAsync($"{folder}/{name}", json, Hash(json), rows, ct);
    }

    /// <summary>
    /// Writes under a name derived from the content hash, for outputs that change from round to round: a retried step
    /// never overwrites the blob an earlier reference (and its hash) still points at.
    /// </summary>
    public Task<BlobRef> WriteVersionAsync<T>(string folder, string prefix, T value, int rows, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, CaseJson.Options);
        var sha = Hash(json);
        return UploadAsync($"{folder}/{prefix}-{sha[..16]}.json", json, sha, rows, ct);
    }

    /// <summary>Reads a referenced document; a hash mismatch means the blob was replaced under the case, which no retry fixes.</summary>
    public async Task<T> ReadAsync<T>(BlobRef reference, CancellationToken ct)
    {
        var content = await blobs.GetBlobContainerClient(FileActivities.Container).GetBlobClient(reference.BlobName)
            .DownloadContentAsync(ct).ConfigureAwait(false);
        var bytes = content.Value.Content.ToMemory();
        if (Hash(bytes.Span) != reference.Sha256)
        {
            throw ActivityErrors.Permanent(ActivityErrors.MissingFile,
                $"The stored intermediate result {reference.BlobName} has changed since it was written; the order must be uploaded again.");
        }

        return JsonSerializer.Deserialize<T>(bytes.Span, CaseJson.Options)
            ?? throw ActivityErrors.Permanent(ActivityErrors.MissingFile, $"The stored intermediate result {reference.BlobName} is empty.");
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<BlobRef> UploadAsync(string blobName, byte[] json, string sha, int rows, CancellationToken ct)
    {
        await blobs.GetBlobContainerClient(FileActivities.Container).GetBlobClient(blobName)
            .UploadAsync(new BinaryData(json), overwrite: true, ct).ConfigureAwait(false);
        return new BlobRef(blobName, sha, rows);
    }
}
