using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.Api.Orders;

/// <summary>Upload limit (<c>Api:Upload:MaxFileBytes</c>, default 20 MB, spreadsheet spec R1).</summary>
public sealed class UploadOptions
{
    public const string Section = "Api:Upload";

    [Range(1, 1L << 32)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Room for the multipart envelope and the form fields around the file.</summary>
    public long RequestLimit => MaxFileBytes + 256 * 1024;
}

/// <summary>Temporal names the Api starts and signals with (<c>Temporal:Namespace</c>, <c>Temporal:TaskQueue</c>).</summary>
public sealed class TemporalOptions
{
    public const string Section = "Temporal";

    [Required]
    public string Namespace { get; set; } = OrderWorkflow.DefaultNamespace;

    [Required]
    public string TaskQueue { get; set; } = OrderWorkflow.DefaultTaskQueue;
}

/// <summary>
/// Creates the case and starts its workflow (workflow id = case id). Both steps tolerate a repeat, so a retried
/// request that failed half-way finishes the job instead of failing on what the first attempt did.
/// </summary>
public sealed class OrderIntake(ICaseStore cases, ITemporalClient temporal, BlobServiceClient blobs,
    Microsoft.Extensions.Options.IOptions<TemporalOptions> options)
{
    public static string NewCaseId() => $"CASE-{Guid.CreateVersion7():N}";

    /// <summary>
    /// The case id of an upload with an <c>Idempotency-Key</c>: derived from the client and the key, so a retry finds
    /// the first attempt's case in the case store itself. No Redis claim to lose in an outage, and nothing that a
    /// claim written before a crash could point at without a case behind it.
    /// </summary>
    public static string IdempotentCaseId(string client, string idempotencyKey) =>
        $"CASE-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{client}\n{idempotencyKey}")), 0, 16)}";

    public static string StatusUrl(string caseId) => $"/api/workflow/{Uri.EscapeDataString(caseId)}/status";

    public async Task<CaseDocument> StartAsync(CaseDocument document, OrderWorkflowInput input, CancellationToken cancellationToken)
    {
        CaseDocument stored;
        try
        {
            stored = await cases.CreateAsync(document, new CaseEventDraft(document.UserId, "receive", $"received {document.File?.FileName}"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CaseAlreadyExistsException)
        {
            stored = await cases.FindAsync(document.Id, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(document.Id);
            if (stored.TenantId != document.TenantId)
            {
                // Another tenant's case: neither start it nor answer with it.
                throw;
            }
        }

        await StartWorkflowAsync(input).ConfigureAwait(false);
        return stored;
    }

    /// <summary>
    /// Starts the workflow of a stored case that is still <see cref="CaseStatus.Received"/> (its first start failed, or
    /// the process died between storing and starting); a no-op when the workflow exists already.
    /// </summary>
    public Task ResumeAsync(CaseDocument stored) => StartWorkflowAsync(InputFor(stored));

    private OrderWorkflowInput InputFor(CaseDocument stored)
    {
        var file = stored.File ?? throw new InvalidOperationException($"Case {stored.Id} has no file to process.");
        var name = file.BlobName.StartsWith($"{OrderBlobAddress.Container}/", StringComparison.Ordinal)
            ? file.BlobName[(OrderBlobAddress.Container.Length + 1)..]
            : file.BlobName;
        var url = blobs.GetBlobContainerClient(OrderBlobAddress.Container).GetBlobClient(name).Uri.AbsoluteUri;
        return new OrderWorkflowInput(stored.Id, stored.TenantId, stored.UserId, url, file.FileName, stored.Conversation, stored.Teams);
    }

    private async Task StartWorkflowAsync(OrderWorkflowInput input)
    {
        try
        {
            // One run per case, ever: a repeated start of a finished case must not process the file a second time.
            await temporal.StartWorkflowAsync(OrderWorkflow.Name, [input], new WorkflowOptions(input.CaseId, options.Value.TaskQueue)
            {
                IdReusePolicy = Temporalio.Api.Enums.V1.WorkflowIdReusePolicy.RejectDuplicate,
            }).ConfigureAwait(false);
        }
        catch (WorkflowAlreadyStartedException)
        {
            // The first attempt got this far; its workflow (running or finished) is the one the client wants.
        }
    }
}
