using System.ComponentModel.DataAnnotations;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using StackExchange.Redis;
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
public sealed class OrderIntake(ICaseStore cases, ITemporalClient temporal, IConnectionMultiplexer redis,
    Microsoft.Extensions.Options.IOptions<TemporalOptions> options)
{
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    public static string NewCaseId() => $"CASE-{Guid.CreateVersion7():N}";

    public static string StatusUrl(string caseId) => $"/api/workflow/{Uri.EscapeDataString(caseId)}/status";

    /// <summary>
    /// Binds an <c>Idempotency-Key</c> (per API key) to a case id in Redis for 24 hours; answers the id that owns it,
    /// which is <paramref name="candidate"/> on first use.
    /// </summary>
    public async Task<string> ClaimAsync(string principal, string idempotencyKey, string candidate)
    {
        var key = new RedisKey($"orders:idempotency:{principal}:{idempotencyKey}");
        var db = redis.GetDatabase();
        if (await db.StringSetAsync(key, candidate, IdempotencyWindow, When.NotExists).ConfigureAwait(false))
        {
            return candidate;
        }

        return (string?)await db.StringGetAsync(key).ConfigureAwait(false) ?? candidate;
    }

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

        return stored;
    }
}
