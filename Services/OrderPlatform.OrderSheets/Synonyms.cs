namespace OrderPlatform.OrderSheets;

/// <summary>Field names shared by the parser and the committee.</summary>
public static class OrderFields
{
    public const string Code = "code";
    public const string Ean = "ean";
    public const string Description = "description";
    public const string Quantity = "quantity";
    public const string Unit = "unit";
    public const string Price = "price";

    /// <summary>
    /// A line total (quantity × price: "Summa", "Belopp", "Total"). Recognised so that it never passes for the unit
    /// price; not one of <see cref="Columns"/>, the order takes no value from it.
    /// </summary>
    public const string LineTotal = "lineTotal";

    public const string Customer = "customer";
    public const string PoNumber = "poNumber";
    public const string DeliveryDate = "deliveryDate";
    public const string OrderDate = "orderDate";

    public static readonly IReadOnlyList<string> Columns = [Code, Ean, Description, Quantity, Unit, Price];

    public static readonly IReadOnlyList<string> Header = [Customer, PoNumber, DeliveryDate, OrderDate];
}

/// <summary>The multilingual dictionaries of spec R4 (columns), R7 (metadata) and R8 (totals).</summary>
public sealed partial class Synonyms
{
    // Gross columns lose to net ones (spec R5: "Preis / brutto" is ignored when "Preis / netto" exists).
    private static readonly HashSet<string> GrossTokens = ["brutto", "gross", "ttc", "inkl", "incl"];
    private static readonly HashSet<string> NetTokens = ["netto", "net", "ht", "exkl", "excl"];

    private readonly List<(string Field, string Normalized)> _columns;
    private readonly List<(string Field, string Normalized)> _metadata;

    private readonly Lazy<System.Text.RegularExpressions.Regex> _poSentence = new(() => new(
        @"\b(" + string.Join('|', SentenceKeywords.Concat(MetadataKeys[OrderFields.PoNumber]).Where(k => k.Length > 2)
            .OrderByDescending(k => k.Length).Select(k => System.Text.RegularExpressions.Regex.Escape(k.TrimEnd('.'))))
        + @")\.?\s*(?:(?:nr|no|n°|nº|n(?=\.)|#|number|nummer|numéro|numero)\.?\s*)?[:#]?\s*([A-Z0-9][A-Z0-9\-/.]*\d[A-Z0-9\-/.]*)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant));

    public Synonyms(IReadOnlyDictionary<string, string[]>? extra = null)
    {
        _columns = Expand(DefaultColumns, extra);
        _metadata = Expand(MetadataKeys, null);
    }

    // Lazy: static initialisers in the two partial files run in no guaranteed order, and this one needs the tables.
    private static readonly Lazy<Synonyms> DefaultInstance = new(() => new Synonyms());

    public static Synonyms Default => DefaultInstance.Value;

    /// <summary>
    /// The field a header names, and how sure: 1 for an exact synonym, 0.8 when a synonym is a whole-word part of it
    /// (the longest such synonym wins, so "Unit price" is a price and not a unit).
    /// </summary>
    public (string? Field, double Score) MatchColumn(string header)
    {
        // A two-row header "group / sub" (R5): the sub-header names the column ("Price / Total" is a line total), the
        // group only when the sub-header names nothing ("Article / No."); a unit under a price group is the unit price.
        var split = header.LastIndexOf(" / ", StringComparison.Ordinal);
        if (split < 0)
        {
            return Match(_columns, TextNormalizer.Normalize(header));
        }

        var group = Match(_columns, TextNormalizer.Normalize(header[..split]));
        var sub = Match(_columns, TextNormalizer.Normalize(header[(split + 3)..]));
        var net = Match(_columns, TextNormalizer.Normalize(header));
        return (group.Field, sub.Field) switch
        {
            (OrderFields.Price, OrderFields.Unit or OrderFields.Price or null) => (OrderFields.Price, net.Score),
            (_, { } field) => (field, sub.Score),
            _ => group,
        };
    }

    public (string? Field, double Score) MatchMetadata(string label)
    {
        var normalized = TextNormalizer.Normalize(label);
        foreach (var (field, synonym) in _metadata)
        {
            if (normalized == synonym)
            {
                return (field, 1);
            }
        }

        return (null, 0);
    }

    /// <summary>
    /// A PO number inside a sentence: a purchase-order keyword, optional number noise ("Nr.", "No.", "n°", "n.", "#", ":"),
    /// then a token with a digit in it.
    /// </summary>
    public (string Keyword, string Value)? PoNumberInSentence(string text)
    {
        var match = _poSentence.Value.Match(text);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value.TrimEnd('.', '/', '-')) : null;
    }

    public static bool IsTotalLabel(string text)
    {
        // Cheap pre-check without allocating: the full normalisation runs only on short texts whose first word is the
        // first word of a total keyword. Every row of every table passes here.
        var trimmed = text.AsSpan().TrimStart();
        var wordEnd = 0;
        while (wordEnd < trimmed.Length && char.IsLetter(trimmed[wordEnd]))
        {
            wordEnd++;
        }

        if (trimmed.Length > 60 || wordEnd == 0 || !StartsLikeTotal(trimmed[..wordEnd]))
        {
            return false;
        }

        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            return false;
        }

        // "Subtotal Fasteners", "Sous-total Électricité", "TOTAL EUR": a keyword first, then a few words at most.
        var tokens = normalized.Split(' ');
        return tokens.Length <= 5 && TotalKeywords.Any(k => normalized == k
            || normalized.StartsWith(k + " ", StringComparison.Ordinal));
    }

    private static bool StartsLikeTotal(ReadOnlySpan<char> word) => TotalFirstWords.Contains(word);

    /// <summary>
    /// The table's own total: a bare keyword ("TOTAL", "Summe", "Grand total"), perhaps with a short suffix such as a
    /// currency ("Total EUR"). "Subtotal …" and "Total Fasteners" close a section, not the table.
    /// </summary>
    public static bool IsGrandTotalLabel(string text)
    {
        if (!IsTotalLabel(text))
        {
            return false;
        }

        var normalized = TextNormalizer.Normalize(text);
        return TotalKeywords.Any(k => !SubtotalKeywords.Contains(k) && (normalized == k
            || (normalized.StartsWith(k + " ", StringComparison.Ordinal) && normalized.Length - k.Length - 1 <= 4 && !normalized[(k.Length + 1)..].Contains(' '))));
    }

    private static (string? Field, double Score) Match(List<(string Field, string Normalized)> table, string normalized)
    {
        if (normalized.Length == 0)
        {
            return (null, 0);
        }

        var padded = " " + normalized + " ";
        string? best = null;
        var bestLength = 0;
        var exact = false;
        foreach (var (field, synonym) in table)
        {
            if (normalized == synonym && (!exact || synonym.Length > bestLength))
            {
                (best, bestLength, exact) = (field, synonym.Length, true);
            }
            else if (!exact && synonym.Length > bestLength && padded.Contains(" " + synonym + " ", StringComparison.Ordinal))
            {
                (best, bestLength) = (field, synonym.Length);
            }
        }

        if (best is null)
        {
            return (null, 0);
        }

        var score = exact ? 1.0 : 0.8;
        var tokens = normalized.Split(' ');
        if (tokens.Any(GrossTokens.Contains))
        {
            score = 0.3;
        }
        else if (!exact && tokens.Any(NetTokens.Contains))
        {
            score = 0.9;
        }

        return (best, score);
    }

    private static List<(string, string)> Expand(Dictionary<string, string[]> table, IReadOnlyDictionary<string, string[]>? extra)
    {
        var list = new List<(string, string)>();
        foreach (var (field, words) in table)
        {
            list.AddRange(words.Select(w => (field, TextNormalizer.Normalize(w))));
        }

        foreach (var (field, words) in extra ?? new Dictionary<string, string[]>())
        {
            list.AddRange(words.Select(w => (field, TextNormalizer.Normalize(w))));
        }

        return list;
    }
}
