using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Flows;

/// <summary>
/// Parsed definitions of LOCKED versions, which never change once published, so webhooks and workers stop reading and
/// parsing the version's JSON on every request and run. Bounded by <c>FlowRunner:DefinitionCacheSize</c> entries
/// (past it, a compaction drops the least recently used); a DRAFT is never cached, as saving a draft rewrites it in place.
/// </summary>
public sealed class LockedDefinitions : IDisposable
{
    private readonly MemoryCache _cache;

    public LockedDefinitions(IOptions<FlowRunnerOptions> options) =>
        _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.DefinitionCacheSize });

    public static FlowDefinition Parse(string json) => System.Text.Json.JsonSerializer.Deserialize<FlowDefinition>(json, FlowDefinition.Json)!;

    public FlowDefinition? Get(Guid versionId) => _cache.TryGetValue(versionId, out FlowDefinition? definition) ? definition : null;

    public void Add(Guid versionId, FlowDefinition definition) =>
        _cache.Set(versionId, definition, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });

    public int Count => _cache.Count;

    public void Dispose() => _cache.Dispose();
}
