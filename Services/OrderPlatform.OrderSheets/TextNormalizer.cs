using System.Globalization;
using System.Text;

namespace OrderPlatform.OrderSheets;

/// <summary>Header and label normalisation from spec R4: lowercase, no diacritics, no punctuation or number noise.</summary>
public static class TextNormalizer
{
    private static readonly HashSet<string> NoiseTokens = ["nr", "no", "n", "#"];

    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsLetterOrDigit(ch) ? ch : ' ');
        }

        // "Art.-Nr." and "Item no" lose the number noise so they meet "Art" and "Item" from other files; a label
        // made only of noise ("Nr.") keeps it rather than vanishing.
        var tokens = builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = tokens.Where(t => !NoiseTokens.Contains(t)).ToArray();
        return string.Join(' ', kept.Length > 0 ? kept : tokens);
    }
}
