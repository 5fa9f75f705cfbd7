using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace OrderPlatform.Cases;

/// <summary>
/// Azure: cases and their events in one container partitioned by <c>/tenantId</c>, so a case and its new event are
/// written in one transactional batch guarded by the case item's ETag.
/// </summary>
public sealed class CosmosCaseStore(CosmosClient client, CosmosCaseStoreOptions options, TimeProvider time) : ICaseStore
{
    private const string CaseType = "case";
    private const string EventType = "event";

    private Container Container => client.GetContainer(options.Database, options.Container);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var database = await client.CreateDatabaseIfNotExistsAsync(options.Database, cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.Database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Container, "/tenantId"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<CaseDocument> CreateAsync(CaseDocument document, CaseEventDraft created, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = document with { Version = 1, CreatedAt = now, UpdatedAt = now };
        var item = CaseItem.From(stored, 1);
        using var response = await Container.CreateTransactionalBatch(new PartitionKey(stored.TenantId))
            .CreateItem(item)
            .CreateItem(EventItem.From(stored.TenantId, new CaseEvent(stored.Id, 1, now, created.Actor, created.Step, created.Detail, null, stored.Status)))
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new CaseAlreadyExistsException(stored.Id);
        }

        EnsureSuccess(response);
        return stored;
    }

    public async Task<CaseDocument?> FindAsync(string caseId, CancellationToken cancellationToken) =>
        (await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false))?.Document;

    public async Task<CaseDocument> ReplaceAsync(CaseDocument changed, CaseEventDraft change, CancellationToken cancellationToken)
    {
        var current = await FindItemAsync(changed.Id, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(changed.Id);
        if (current.Document.Version != changed.Version)
        {
            throw new CaseConcurrencyException(changed.Id, changed.Version);
        }

        CaseTransitions.EnsureAllowed(changed.Id, current.Document.Status, changed.Status);
        var now = time.GetUtcNow();
        var stored = changed with { Version = changed.Version + 1, UpdatedAt = now, TenantId = current.TenantId };
        var sequence = current.LastSequence + 1;
        var happened = new CaseEvent(stored.Id, sequence, now, change.Actor, change.Step, change.Detail, current.Document.Status, stored.Status);
        await WriteAsync(current, CaseItem.From(stored, sequence), happened, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task AppendEventAsync(string caseId, CaseEventDraft happened, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(caseId);
            var sequence = current.LastSequence + 1;
            try
            {
                await WriteAsync(current, current with { LastSequence = sequence },
                    new CaseEvent(caseId, sequence, time.GetUtcNow(), happened.Actor, happened.Step, happened.Detail, null, null),
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CaseConcurrencyException) when (attempt < 8)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<CaseEvent>> GetEventsAsync(string caseId, CancellationToken cancellationToken)
    {
        var current = await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return [];
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.caseId = @id ORDER BY c.seq")
            .WithParameter("@type", EventType).WithParameter("@id", caseId);
        var items = await ReadAllAsync<EventItem>(query, new PartitionKey(current.TenantId), cancellationToken).ConfigureAwait(false);
        return [.. items.Select(i => i.Event)];
    }

    public async Task<CasePage> ListAsync(CaseQuery query, CancellationToken cancellationToken)
    {
        const string Filter = "c.type = @type AND (IS_NULL(@tenant) OR c.tenantId = @tenant) AND (IS_NULL(@status) OR c.status = @status)";
        QueryDefinition Define(string text) => new QueryDefinition(text)
            .WithParameter("@type", CaseType).WithParameter("@tenant", query.TenantId).WithParameter("@status", query.Status?.ToString())
            .WithParameter("@offset", (query.Page - 1) * query.PageSize).WithParameter("@limit", query.PageSize);
        PartitionKey? partition = query.TenantId is null ? null : new PartitionKey(query.TenantId);
        var total = (await ReadAllAsync<long>(Define($"SELECT VALUE COUNT(1) FROM c WHERE {Filter}"), partition, cancellationToken)
            .ConfigureAwait(false)).Sum();
        var page = await ReadAllAsync<CaseItem>(
            Define($"SELECT * FROM c WHERE {Filter} ORDER BY c.createdAt DESC OFFSET @offset LIMIT @limit"), partition, cancellationToken)
            .ConfigureAwait(false);
        return new CasePage([.. page.Select(i => PostgresCaseStore.Summarize(i.Document))], query.Page, query.PageSize, total);
    }

    private async Task WriteAsync(CaseItem current, CaseItem next, CaseEvent happened, CancellationToken cancellationToken)
    {
        using var response = await Container.CreateTransactionalBatch(new PartitionKey(current.TenantId))
            .ReplaceItem(current.Id, next, new TransactionalBatchItemRequestOptions { IfMatchEtag = current.ETag })
            .CreateItem(EventItem.From(current.TenantId, happened))
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw new CaseConcurrencyException(current.Id, current.Document.Version);
        }

        EnsureSuccess(response);
    }

    private async Task<CaseItem?> FindItemAsync(string caseId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id AND c.type = @type").WithParameter("@id", caseId).WithParameter("@type", CaseType);
        return (await ReadAllAsync<CaseItem>(query, null, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private async Task<List<T>> ReadAllAsync<T>(QueryDefinition query, PartitionKey? partition, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = Container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions { PartitionKey = partition });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private static void EnsureSuccess(TransactionalBatchResponse response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CosmosException($"Case batch failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
        }
    }

    internal sealed record CaseItem(
        string Id,
        string TenantId,
        string Type,
        string Status,
        DateTimeOffset CreatedAt,
        long LastSequence,
        CaseDocument Document,
        [property: JsonPropertyName("_etag")] string? ETag = null)
    {
        public static CaseItem From(CaseDocument document, long lastSequence) =>
            new(document.Id, document.TenantId, CaseType, document.Status.ToString(), document.CreatedAt, lastSequence, document);
    }

    internal sealed record EventItem(string Id, string TenantId, string Type, string CaseId, long Seq, CaseEvent Event)
    {
        public static EventItem From(string tenantId, CaseEvent happened) =>
            new($"{happened.CaseId}:{happened.Sequence:D8}", tenantId, EventType, happened.CaseId, happened.Sequence, happened);
    }
}

/// <summary>Database and container names (<c>Cosmos:Database</c>, <c>Cosmos:Container</c>).</summary>
public sealed class CosmosCaseStoreOptions
{
    public string Database { get; set; } = "orders";

    public string Container { get; set; } = "cases";
}
