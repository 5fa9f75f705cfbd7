namespace OrderPlatform.Worker.Parsing;

/// <summary>Field names shared by the parser and the committee.</summary>
public static class OrderFields
{
    public const string Code = "code";
    public const string Ean = "ean";
    public const string Description = "description";
    public const string Quantity = "quantity";
    public const string Unit = "unit";
    public const string Price = "price";

    public const string Customer = "customer";
    public const string PoNumber = "poNumber";
    public const string DeliveryDate = "deliveryDate";
    public const string OrderDate = "orderDate";

    public static readonly IReadOnlyList<string> Columns = [Code, Ean, Description, Quantity, Unit, Price];

    public static readonly IReadOnlyList<string> Header = [Customer, PoNumber, DeliveryDate, OrderDate];
}

/// <summary>The multilingual dictionaries of spec R4 (columns), R7 (metadata) and R8 (totals).</summary>
public sealed class Synonyms
{
    private static readonly Dictionary<string, string[]> DefaultColumns = new()
    {
        [OrderFields.Code] = ["SKU", "Art.-Nr.", "Artikelnummer", "Artikel-Nr", "Artikel", "Item code", "Item no", "Item",
            "Ref", "Référence", "Reference", "Part number", "Part no", "Material", "Materialnummer", "Code",
            "Product code", "Article", "Code article"],
        [OrderFields.Ean] = ["EAN", "GTIN", "Barcode", "UPC", "EAN-Code", "Code EAN"],
        [OrderFields.Description] = ["Description", "Bezeichnung", "Artikelbezeichnung", "Désignation", "Libellé",
            "Product", "Name", "Beschreibung", "Produkt", "Item description"],
        [OrderFields.Quantity] = ["Qty", "Quantity", "Menge", "Anzahl", "Stk", "Stück", "Quantité", "Qté", "Pcs",
            "Bestellmenge", "Order qty"],
        [OrderFields.Unit] = ["Unit", "UoM", "Einheit", "ME", "Unité", "Mengeneinheit"],
        [OrderFields.Price] = ["Price", "Unit price", "Preis", "Einzelpreis", "Prix", "Prix unitaire", "Net price",
            "Nettopreis", "Stückpreis", "PU"],
    };

    private static readonly Dictionary<string, string[]> MetadataKeys = new()
    {
        [OrderFields.Customer] = ["Kunde", "Customer", "Client", "Kundennr.", "Kundennummer", "Customer no",
            "Customer number", "Kunden-Nr", "N° client"],
        [OrderFields.PoNumber] = ["Bestellnr.", "Bestellnummer", "PO", "PO number", "Order no", "Order number",
            "N° de commande", "Purchase order", "Bestellung"],
        [OrderFields.DeliveryDate] = ["Liefertermin", "Lieferdatum", "Delivery date", "Date de livraison",
            "Wunschtermin"],
        [OrderFields.OrderDate] = ["Bestelldatum", "Order date", "Date de commande", "Datum", "Date"],
    };

    private static readonly string[] TotalKeywords =
        ["total", "subtotal", "summe", "zwischensumme", "gesamt", "gesamtsumme", "total ht", "total ttc", "sous total"];

    // Gross columns lose to net ones (spec R5: "Preis / brutto" is ignored when "Preis / netto" exists).
    private static readonly HashSet<string> GrossTokens = ["brutto", "gross", "ttc", "inkl", "incl"];
    private static readonly HashSet<string> NetTokens = ["netto", "net", "ht", "exkl", "excl"];

    private readonly List<(string Field, string Normalized)> _columns;
    private readonly List<(string Field, string Normalized)> _metadata;

    public Synonyms(IReadOnlyDictionary<string, string[]>? extra = null)
    {
        _columns = Expand(DefaultColumns, extra);
        _metadata = Expand(MetadataKeys, null);
    }

    public static Synonyms Default { get; } = new();

    /// <summary>
    /// The field a header names, and how sure: 1 for an exact synonym, 0.8 when a synonym is a whole-word part of it
    /// (the longest such synonym wins, so "Unit price" is a price and not a unit).
    /// </summary>
    public (string? Field, double Score) MatchColumn(string header) => Match(_columns, TextNormalizer.Normalize(header));

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

    public static bool IsTotalLabel(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
        {
            return false;
        }

        var tokens = normalized.Split(' ');
        return TotalKeywords.Any(k => normalized == k
            || (tokens.Length <= 2 && tokens[0] == k)
            || (tokens.Length <= 3 && normalized.StartsWith(k + " ", StringComparison.Ordinal) && k.Contains(' ')));
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
