using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace OrderPlatform.Cases;

/// <summary>
/// Which order files a caller may name. The Api and the Worker both read a start request's <c>blobUrl</c> only as a
/// name in our own storage account under <c>orders/{tenantId}/…</c> and open it with their own storage client; the
/// URL itself is never fetched, so nothing a caller writes there can make either service connect to another host.
/// </summary>
public static partial class OrderBlobAddress
{
    public const string Container = "orders";

    /// <summary>
    /// Tenant and case ids: a letter or digit first (so never <c>.</c>, <c>..</c> or a hidden name), then letters,
    /// digits, <c>.</c>, <c>_</c>, <c>-</c>; no <c>/</c>, so a blob name built from them stays in its own folder.
    /// </summary>
    public static bool IsSafeId([NotNullWhen(true)] string? id) => id is not null && SafeId().IsMatch(id);

    public const string SafeIdRule = "a letter or digit, then up to 127 letters, digits, '.', '_' or '-'";

    /// <summary>
    /// The blob's name inside <see cref="Container"/> when <paramref name="blobUrl"/> is a blob of the account at
    /// <paramref name="account"/> under <c>orders/{tenantId}/</c>; otherwise null and <paramref name="refusal"/> says
    /// why. A query (a SAS) is ignored: the file is read with the service's own credentials.
    /// </summary>
    public static string? Resolve(Uri account, string? blobUrl, string tenantId, out string refusal)
    {
        refusal = "";
        if (!IsSafeId(tenantId))
        {
            refusal = $"tenantId must be {SafeIdRule}.";
            return null;
        }

        if (!Uri.TryCreate(blobUrl, UriKind.Absolute, out var url) || url.UserInfo.Length > 0
            || !string.Equals(url.Scheme, account.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.IdnHost, account.IdnHost, StringComparison.OrdinalIgnoreCase) || url.Port != account.Port)
        {
            refusal = $"blobUrl must be a blob in this platform's storage account ({account.GetLeftPart(UriPartial.Authority)}).";
            return null;
        }

        // Uri folds "a/../b" away before we see AbsolutePath, so dot segments and escaped separators are refused on the
        // text as sent: a name that needs them is never a plain upload.
        var raw = blobUrl!.Split('?', '#')[0];
        var prefix = account.AbsolutePath.TrimEnd('/') + "/" + Container + "/" + tenantId + "/";
        if (raw.Contains('\\') || raw.Contains("%2f", StringComparison.OrdinalIgnoreCase) || raw.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || !url.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            refusal = $"blobUrl must name a file under {Container}/{tenantId}/ in this platform's storage account.";
            return null;
        }

        var rest = Uri.UnescapeDataString(url.AbsolutePath[prefix.Length..]).Split('/');
        if (rest.Any(segment => segment.Length == 0 || segment.Trim('.').Length == 0 || segment.Any(char.IsControl))
            || RawSegments(raw).Any(segment => segment.Trim('.').Length == 0 && segment.Length > 0))
        {
            refusal = "blobUrl must not contain empty, '.' or '..' path segments.";
            return null;
        }

        return $"{tenantId}/{string.Join('/', rest)}";
    }

    private static IEnumerable<string> RawSegments(string raw) =>
        raw.Split('/').Select(segment => Uri.UnescapeDataString(segment));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SafeId();
}
