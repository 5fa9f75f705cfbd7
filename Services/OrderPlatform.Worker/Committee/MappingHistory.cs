using System.Collections.Concurrent;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>
/// A mapping a human confirmed for a customer (spec R16): the header fingerprint it applies to, field → column letter,
/// field → normalised header text, and the conventions that settled ambiguous numbers and dates. Customer keys are only
/// unique within a tenant, so the history is keyed by both.
/// </summary>
public sealed record MappingProfile(
    string CustomerKey,
    string SheetName,
    int? HeaderRowNumber,
    string HeaderFingerprint,
    IReadOnlyDictionary<string, string> ColumnLetters,
    IReadOnlyDictionary<string, string> ColumnHeaders,
    char? DecimalSeparator,
    string? DateOrder,
    DateTimeOffset ConfirmedAt,
    string TenantId = "")
{
    /// <summary>Handed to parse-excel for this customer's next file, so it asks fewer questions.</summary>
    public CustomerConventions Conventions => new(DecimalSeparator, DateOrder);
}

/// <summary>Where confirmed mappings live; Postgres backs it in production, <see cref="InMemoryMappingHistory"/> locally.</summary>
public interface IMappingHistory
{
    Task<MappingProfile?> FindAsync(string tenantId, string customerKey, CancellationToken cancellationToken);

    /// <summary>Called only after a human confirmed the result, so a guess never teaches the history.</summary>
    Task SaveConfirmedAsync(MappingProfile profile, CancellationToken cancellationToken);
}

/// <summary>Process-local history: the latest confirmed profile per tenant and customer, keys compared case-insensitively.</summary>
public sealed class InMemoryMappingHistory : IMappingHistory
{
    private readonly ConcurrentDictionary<(string Tenant, string Customer), MappingProfile> _profiles = new();

    public Task<MappingProfile?> FindAsync(string tenantId, string customerKey, CancellationToken cancellationToken) =>
        Task.FromResult(_profiles.GetValueOrDefault(Key(tenantId, customerKey)));

    public Task SaveConfirmedAsync(MappingProfile profile, CancellationToken cancellationToken)
    {
        _profiles.AddOrUpdate(Key(profile.TenantId, profile.CustomerKey), profile,
            (_, existing) => profile.ConfirmedAt >= existing.ConfirmedAt ? profile : existing);
        return Task.CompletedTask;
    }

    /// <summary>Trimmed and lower-cased, the same rule the Postgres history uses, so both find the same profiles.</summary>
    internal static (string Tenant, string Customer) Key(string tenantId, string customerKey) =>
        (tenantId.Trim().ToLowerInvariant(), customerKey.Trim().ToLowerInvariant());
}
