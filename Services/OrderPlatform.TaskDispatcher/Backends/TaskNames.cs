using System.Security.Cryptography;
using System.Text;

namespace OrderPlatform.TaskDispatcher.Backends;

/// <summary>
/// <c>{client}-{messageId}</c> within ACI's rules (lowercase letters, digits, single hyphens, ≤ 63 characters): a
/// redelivered message maps to the same name (spec §5).
/// </summary>
public static class TaskNames
{
    public const int MaxLength = 63;

    public static string For(string client, string messageId)
    {
        var id = Clean(messageId.Replace("-", "", StringComparison.Ordinal));
        var clientPart = Clean(client);
        if (clientPart.Length == 0 || clientPart.Length + 1 + id.Length > MaxLength)
        {
            clientPart = Hash(client, 10);
        }

        if (id.Length == 0 || clientPart.Length + 1 + id.Length > MaxLength)
        {
            id = Hash(messageId, MaxLength - clientPart.Length - 1);
        }

        return $"{clientPart}-{id}";
    }

    private static string Clean(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-';
            if (keep != '-' || (text.Length > 0 && text[^1] != '-'))
            {
                text.Append(keep);
            }
        }

        return text.ToString().Trim('-');
    }

    private static string Hash(string value, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..Math.Min(length, 64)];
}
