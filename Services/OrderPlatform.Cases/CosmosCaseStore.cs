using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using OrderPlatform.Contracts;

namespace OrderPlatform.Cases;

/// <summary>
/// Azure: one item per case in a container partitioned by <c>/tenantId</c>, with its audit trail inside the item, so
/// a change and its event are one conditional replace (ETag) — atomic without a transactional batch. A second
/// container partitioned by <c>/id</c> reserves each case id for one tenant: ids stay unique across tenants (as in
/// Postgres) and a lookup by id touches one partition of each container instead of fanning out to every partition.
/// </summary>
/// <remarks>
/// An item holds at most 2 MB. The events add little (tens of short lines), but the document grows with the order: its
/// lines, their catalog candidates and open questions pass 2 MB at a few thousand lines. A document over
/// <see cref="CaseItem.PackAboveBytes"/> is therefore stored gzip-compressed (JSON of this shape compresses about
/// tenfold); the fields listings filter, sort and show stay plain beside it. Queries name the tenant both as
/// the partition key and in the filter, and use optimistic direct execution, so a single-partition query goes
/// straight to its partition without first asking the gateway for a query plan. Only a listing across all tenants
/// needs a plan (the SDK asks the gateway for one on Linux); the local test server cannot answer that request.
/// </remarks>
public sealed class CosmosCaseStore(CosmosClient client, CosmosCaseStoreOptions options, TimeProvider time) : ICaseStore
{
    /// <summary>Cosmos DB's limit on one item.</summary>
    public const int MaxItemBytes = 2 * 1024 * 1024;

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };

    private Container Cases => client.GetContainer(options.Database, options.Container);

    private Container Ids => client.GetContainer(options.Database, options.IdsContainer);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var database = (await client.CreateDatabaseIfNotExistsAsync(options.Database, cancellationToken: cancellationToken).ConfigureAwait(false)).Database;
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.Container, "/tenantId"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.IdsContainer, "/id"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<CaseDocument> CreateAsync(CaseDocument document, CaseEventDraft created, CancellationToken cancellationToken)
    {
        await ReserveAsync(document.Id, document.TenantId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var stored = document with { Version = 1, CreatedAt = now, UpdatedAt = now };
        var first = new CaseEvent(stored.Id, 1, now, created.Actor, created.Step, created.Detail, null, stored.Status);
        try
        {
            await Cases.CreateItemAsync(CaseItem.From(stored, [first]), new PartitionKey(stored.TenantId), NoContent,
                cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new CaseAlreadyExistsException(stored.Id);
        }

        return stored;
    }

    public async Task<CaseDocument?> FindAsync(string caseId, CancellationToken cancellationToken) =>
        (await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false))?.Case;

    public async Task<CaseDocument> ReplaceAsync(CaseDocument changed, CaseEventDraft change, CancellationToken cancellationToken)
    {
        var current = await FindItemAsync(changed.Id, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(changed.Id);
        if (current.Case.Version != changed.Version)
        {
            throw new CaseConcurrencyException(changed.Id, changed.Version);
        }

        CaseTransitions.EnsureAllowed(changed.Id, current.Case.Status, changed.Status);
        var now = time.GetUtcNow();
        var stored = changed with { Version = changed.Version + 1, UpdatedAt = now, TenantId = current.TenantId, CreatedAt = current.Case.CreatedAt };
        var happened = new CaseEvent(stored.Id, current.Events.Count + 1, now, change.Actor, change.Step, change.Detail,
            current.Case.Status, stored.Status);
        await WriteAsync(current, CaseItem.From(stored, [.. current.Events, happened]), cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task AppendEventAsync(string caseId, CaseEventDraft happened, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(caseId);
            var next = new CaseEvent(caseId, current.Events.Count + 1, time.GetUtcNow(), happened.Actor, happened.Step, happened.Detail, null, null);
            try
            {
                await WriteAsync(current, current with { Events = [.. current.Events, next] }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CaseConcurrencyException) when (attempt < CaseStoreExtensions.MaxAttempts)
            {
                await Task.Delay(CaseStoreExtensions.Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<CaseEvent>> GetEventsAsync(string caseId, CancellationToken cancellationToken) =>
        (await FindItemAsync(caseId, cancellationToken).ConfigureAwait(false))?.Events ?? [];

    public async Task<CasePage> ListAsync(CaseQuery query, CancellationToken cancellationToken)
    {
        var filter = "c.type = @type"
            + (query.TenantId is null ? "" : " AND c.tenantId = @tenant")
            + (query.Status is null ? "" : " AND c.status = @status")
            + (query.Tenants is null ? "" : " AND ARRAY_CONTAINS(@tenants, c.tenantId)");
        QueryDefinition Define(string text) => new QueryDefinition(text)
            .WithParameter("@type", CaseItem.Kind).WithParameter("@tenant", query.TenantId).WithParameter("@status", query.Status?.ToString())
            .WithParameter("@tenants", query.Tenants)
            .WithParameter("@top", query.Page * query.PageSize);
        PartitionKey? partition = query.TenantId is null ? null : new PartitionKey(query.TenantId);
        var total = (await ReadAllAsync<long>(Cases, Define($"SELECT VALUE COUNT(1) FROM c WHERE {filter}"), partition, cancellationToken)
            .ConfigureAwait(false)).Sum();

        // TOP and a skip here rather than OFFSET: Cosmos charges for the rows OFFSET skips as well, and only the
        // summary fields travel, so the cost is the same for the page numbers a person clicks through.
        var newest = await ReadAllAsync<CaseSummary>(Cases, Define($"""
            SELECT TOP @top c.id, c.tenantId, c.userId, c.status, c.step, c.createdAt, c.updatedAt
            FROM c WHERE {filter} ORDER BY c.createdAt DESC
            """), partition, cancellationToken).ConfigureAwait(false);
        return new CasePage([.. newest.Skip((query.Page - 1) * query.PageSize)], query.Page, query.PageSize, total);
    }

    // The reservation is written first and never removed: a create that fails after it leaves an id that maps to a
    // missing case, which reads as "not found" and which the same tenant may still create.
    private async Task ReserveAsync(string caseId, string tenantId, CancellationToken cancellationToken)
    {
        try
        {
            await Ids.CreateItemAsync(new IdItem(caseId, tenantId), new PartitionKey(caseId), NoContent, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            var owner = await ReadAsync<IdItem>(Ids, caseId, caseId, cancellationToken).ConfigureAwait(false);
            if (owner?.TenantId != tenantId)
            {
                throw new CaseAlreadyExistsException(caseId);
            }
        }
    }

    private async Task WriteAsync(CaseItem current, CaseItem next, CancellationToken cancellationToken)
    {
        try
        {
            await Cases.ReplaceItemAsync(next with { ETag = null }, current.Id, new PartitionKey(current.TenantId),
                new ItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new CaseConcurrencyException(current.Id, current.Case.Version);
        }
    }

    // The id lookup is a single-partition query rather than a point read: an unknown id is an empty page, not a 404
    // exception (and cosmosdb-server, which the tests run against, answers a point read of a missing item with a 500).
    private async Task<CaseItem?> FindItemAsync(string caseId, CancellationToken cancellationToken)
    {
        var owners = await ReadAllAsync<IdItem>(Ids, new QueryDefinition("SELECT * FROM c WHERE c.id = @id").WithParameter("@id", caseId),
            new PartitionKey(caseId), cancellationToken).ConfigureAwait(false);
        return owners is [var owner] ? await ReadAsync<CaseItem>(Cases, caseId, owner.TenantId, cancellationToken).ConfigureAwait(false) : null;
    }

    private static async Task<T?> ReadAsync<T>(Container container, string id, string partition, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await container.ReadItemAsync<T>(id, new PartitionKey(partition), cancellationToken: cancellationToken).ConfigureAwait(false)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<List<T>> ReadAllAsync<T>(Container container, QueryDefinition query, PartitionKey? partition,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = partition,
            EnableOptimisticDirectExecution = true,
        });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// The stored item: the document (plain, or packed when large), the fields queries filter, sort and list, and the
    /// audit trail. <see cref="CreatedAt"/> is always UTC, so its ISO text sorts in time order.
    /// </summary>
    internal sealed record CaseItem(
        string Id,
        string TenantId,
        string Type,
        CaseStatus Status,
        DateTimeOffset CreatedAt,
        string UserId,
        string? Step,
        DateTimeOffset UpdatedAt,
        CaseDocument? Document,
        string? PackedDocument,
        IReadOnlyList<CaseEvent> Events,
        [property: JsonPropertyName("_etag")] string? ETag = null)
    {
        public const string Kind = "case";

        /// <summary>Documents above this are stored gzip-compressed: well under Cosmos's 2 MB item limit with room for the events.</summary>
        public const int PackAboveBytes = 512 * 1024;

        private CaseDocument? _case;

        [JsonIgnore]
        public CaseDocument Case => _case ??= Document
            ?? JsonSerializer.Deserialize<CaseDocument>(Unzip(PackedDocument ?? throw new InvalidDataException($"Case item {Id} holds no document.")), CaseJson.Options)!;

        public static CaseItem From(CaseDocument document, IReadOnlyList<CaseEvent> events)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(document, CaseJson.Options);
            var large = json.Length > PackAboveBytes;
            return new(document.Id, document.TenantId, Kind, document.Status, document.CreatedAt, document.UserId, document.Step,
                document.UpdatedAt, large ? null : document, large ? Zip(json) : null, events) { _case = document };
        }

        private static string Zip(byte[] json)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
            {
                gzip.Write(json);
            }

            return Convert.ToBase64String(buffer.ToArray());
        }

        private static byte[] Unzip(string packed)
        {
            using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(packed)), CompressionMode.Decompress);
            using var json = new MemoryStream();
            gzip.CopyTo(json);
            return json.ToArray();
        }
    }

    internal sealed record IdItem(string Id, string TenantId);
}

/// <summary>Database and container names (<c>Cosmos:Database</c>, <c>Cosmos:Container</c>, <c>Cosmos:IdsContainer</c>).</summary>
public sealed class CosmosCaseStoreOptions
{
    public string Database { get; set; } = "orders";

    public string Container { get; set; } = "cases";

    public string IdsContainer { get; set; } = "case-ids";
}
