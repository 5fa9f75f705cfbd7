using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Workflows;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>store-file and parse-excel.</summary>
public sealed class FileActivities(BlobServiceClient blobs, OrderBlobs documents, SpreadsheetParser parser, ICaseStore cases)
{
    public const string Container = OrderBlobAddress.Container;

    /// <summary>The canonical name inside the <c>orders</c> container: <c>{tenant}/{caseId}/original.{ext}</c>.</summary>
    public static string BlobName(string tenantId, string caseId, string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return $"{tenantId}/{caseId}/original.{(extension is "xlsx" or "xlsm" or "xls" or "csv" ? extension : "bin")}";
    }

    /// <summary>
    /// Idempotent: copies the upload to its canonical blob when it lies elsewhere in the tenant's folder, then records size and SHA-256 on the
    /// blob's metadata and the case. A retry finds the canonical blob and only hashes it again.
    /// </summary>
    [Activity("store-file")]
    public async Task<StoredFile> StoreFileAsync(OrderWorkflowInput input)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var sourceName = CheckedSource(input);
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        var target = container.GetBlobClient(BlobName(input.TenantId, input.CaseId, input.FileName));
        if (!(await target.ExistsAsync(ct).ConfigureAwait(false)).Value)
        {
            await using var source = await OpenSourceAsync(container.GetBlobClient(sourceName), ct).ConfigureAwait(false);
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

    /// <summary>
    /// The Api checked the request already; the Worker checks again because anyone who can reach Temporal can start a
    /// workflow. A name outside the tenant's folder, or any other URL, fails the case at once: no retry makes it valid.
    /// </summary>
    private string CheckedSource(OrderWorkflowInput input)
    {
        if (!OrderBlobAddress.IsSafeId(input.CaseId) || !OrderBlobAddress.IsSafeId(input.TenantId))
        {
            throw ActivityErrors.Permanent(ActivityErrors.InvalidSource, $"The case and tenant ids must be {OrderBlobAddress.SafeIdRule}.");
        }

        return OrderBlobAddress.Resolve(blobs.Uri, input.BlobUrl, input.TenantId, out var refusal)
            ?? throw ActivityErrors.Permanent(ActivityErrors.InvalidSource, $"The order file cannot be read: {refusal}");
    }

    private static async Task<Stream> OpenSourceAsync(BlobClient source, CancellationToken ct)
    {
        try
        {
            BlobDownloadStreamingResult download = await source.DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false);
            return download.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw ActivityErrors.Permanent(ActivityErrors.MissingFile, "The uploaded file could not be found any more.", ex);
        }
    }
}
