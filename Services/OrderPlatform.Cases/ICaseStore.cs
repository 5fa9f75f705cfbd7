using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderPlatform.Cases;

/// <summary>
/// Order cases and their append-only audit trail. Every write that changes a case appends one event in the same
/// transaction (Postgres) or batch (Cosmos), so the trail never misses a transition.
/// </summary>
public interface ICaseStore
{
    /// <summary>Creates the schema (tables, indexes, containers) if it is missing; safe to call from several processes.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new case at version 1 with its first event; <see cref="CaseAlreadyExistsException"/> if the id is taken.</summary>
    Task<CaseDocument> CreateAsync(CaseDocument document, CaseEventDraft created, CancellationToken cancellationToken);

    Task<CaseDocument?> FindAsync(string caseId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="changed"/> if the stored version is still <c>changed.Version</c> (else
    /// <see cref="CaseConcurrencyException"/>) and the status change is allowed (else
    /// <see cref="InvalidCaseTransitionException"/>); returns the document at its new version.
    /// </summary>
    Task<CaseDocument> ReplaceAsync(CaseDocument changed, CaseEventDraft change, CancellationToken cancellationToken);

    /// <summary>Records something that happened without changing the document (a reminder sent, a notification refused).</summary>
    Task AppendEventAsync(string caseId, CaseEventDraft happened, CancellationToken cancellationToken);

    Task<IReadOnlyList<CaseEvent>> GetEventsAsync(string caseId, CancellationToken cancellationToken);

    Task<CasePage> ListAsync(CaseQuery query, CancellationToken cancellationToken);
}

public static class CaseStoreExtensions
{
    /// <summary>
    /// Optimistic writers that collide take turns: with N writers on one case each round lets at least one through,
    /// so the last may need N attempts. The bound is set well past the contention a case sees (the Worker, a user's
    /// signals, the reconciler) rather than at it: 8 attempts let the last of ten concurrent writers fail on a slow store.
    /// </summary>
    public const int MaxAttempts = 24;

    /// <summary>
    /// Exponential with full jitter, capped at a second: writers that collided once do not come back in lockstep, and
    /// a long queue of writers spreads out instead of hammering the store (24 attempts wait at most ~20 s in all).
    /// </summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(10 + Random.Shared.Next(0, (int)Math.Min(1000, 20 * Math.Pow(2, Math.Min(attempt, 10)))));

    /// <summary>Read, change, write; on a concurrent write it reads again and reapplies <paramref name="change"/>.</summary>
    public static async Task<CaseDocument> UpdateAsync(this ICaseStore store, string caseId, Func<CaseDocument, CaseDocument> change,
        CaseEventDraft happened, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.FindAsync(caseId, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(caseId);
            try
            {
                return await store.ReplaceAsync(change(current) with { Version = current.Version }, happened, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (CaseConcurrencyException) when (attempt < MaxAttempts)
            {
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One JSON shape for the stored document, the API answers and tests: camelCase, enums as names.</summary>
public static class CaseJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
