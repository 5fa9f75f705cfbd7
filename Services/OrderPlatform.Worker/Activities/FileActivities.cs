using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Parsing;
using OrderPlatform.Worker.Workflows;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>store-file and parse-excel.</summary>
public sealed class FileActivities(BlobServiceClient blobs, OrderBlobs documents, IHttpClientFactory http, SpreadsheetParser parser, ICaseStore cases)
{
    public const string Container = "orders";

    /// <summary>The canonical name inside the <c>orders</c> container: <c>{tenant}/{caseId}/original.{ext}</c>.</summary>
    public static string BlobName(string tenantId, string caseId, string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return $"{tenantId}/{caseId}/original.{(extension is "xlsx" or "xlsm" or "xls" or "csv" ? extension : "bin")}";
    }

    /// <summary>
    /// Idempotent: copies the upload to its canonical blob when it lies elsewhere, then records size and SHA-256 on the
    /// blob's metadata and the case. A retry finds the canonical blob and only hashes it again.
    /// </summary>
    [Activity("store-file")]
    public async Task<StoredFile> StoreFileAsync(OrderWorkflowInput input)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        var target = container.GetBlobClient(BlobName(input.TenantId, input.CaseId, input.FileName));
        if (!(await target.ExistsAsync(ct).ConfigureAwait(false)).Value)
        {
            await using var source = await OpenSourceAsync(input.BlobUrl, ct).ConfigureAwait(false);
            await target.UploadAsync(source, overwrite: false, ct).ConfigureAwait(false);
        }

        byte[] hash;
        long size;
        await using (var content = await target.OpenReadAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            size = content.Length;
            hash = await SHA256.HashDataAsync(content, ct).ConfigureAwait(false);
        }

        var sha = Convert.ToHexStringLower(hash);
        await target.SetMetadataAsync(new Dictionary<string, string> { ["sha256"] = sha, ["caseid"] = input.CaseId }, cancellationToken: ct)
            .ConfigureAwait(false);
        var stored = new StoredFile(target.Name, input.FileName, size, sha);
        await cases.UpdateAsync(input.CaseId, c => c with
        {
            Status = CaseStatus.Stored,
            Step = "store-file",
            File = new CaseFile(input.FileName, $"{Container}/{target.Name}", c.File?.Format ?? Path.GetExtension(input.FileName).TrimStart('.'), size, sha),
        }, new CaseEventDraft(CaseActivities.Actor, "store-file", $"{size} bytes, sha256 {sha}"), ct).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Parses the original and stores the <see cref="ParsedSheet"/> next to it as <c>parsed.json</c>.</summary>
    [Activity("parse-excel")]
    public async Task<BlobRef> ParseExcelAsync(string caseId, StoredFile file)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var blob = blobs.GetBlobContainerClient(Container).GetBlobClient(file.BlobName);
        using var buffer = new MemoryStream();
        await blob.DownloadToAsync(buffer, ct).ConfigureAwait(false);
        buffer.Position = 0;
        ParsedSheet sheet;
        try
        {
            sheet = parser.Parse(buffer, file.FileName, conventions: null, ct);
        }
        catch (SpreadsheetException ex)
        {
            throw ActivityErrors.Permanent(ActivityErrors.BadSpreadsheet, ex.Message, ex);
        }

        var parsed = await documents.WriteAsync(OrderBlobs.Folder(file.BlobName), "parsed.json", sheet, sheet.Rows.Count, ct).ConfigureAwait(false);

        await cases.UpdateAsync(caseId, c => c with { Status = CaseStatus.Parsed, Step = "parse-excel" },
            new CaseEventDraft(CaseActivities.Actor, "parse-excel",
                $"{sheet.Format} sheet \"{sheet.SheetName}\" ({sheet.SheetBasis}), header row {sheet.HeaderRowNumber}, {sheet.Rows.Count} rows, {sheet.Warnings.Count} warnings"),
            ct).ConfigureAwait(false);
        return parsed;
    }

    private async Task<Stream> OpenSourceAsync(string blobUrl, CancellationToken ct)
    {
        var uri = new Uri(blobUrl, UriKind.RelativeOrAbsolute);
        if (!uri.IsAbsoluteUri || uri.AbsoluteUri.StartsWith(blobs.Uri.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
        {
            // Our own account: read it with our credentials rather than needing a SAS in the URL.
            var path = uri.IsAbsoluteUri ? uri.AbsoluteUri[blobs.Uri.AbsoluteUri.Length..] : blobUrl;
            var parts = Uri.UnescapeDataString(path.TrimStart('/')).Split('/', 2);
            try
            {
                BlobDownloadStreamingResult download = await blobs.GetBlobContainerClient(parts[0]).GetBlobClient(parts[1])
                    .DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false);
                return download.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                throw ActivityErrors.Permanent(ActivityErrors.MissingFile, "The uploaded file could not be found any more.", ex);
            }
        }

        var response = await http.CreateClient(nameof(FileActivities)).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw ActivityErrors.Permanent(ActivityErrors.MissingFile, "The file link no longer works.");
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
    }
}
