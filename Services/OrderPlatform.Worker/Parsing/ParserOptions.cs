using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.Worker.Parsing;

/// <summary>Limits (spec R1) and per-customer conventions (R10, R12, R16) the parser applies.</summary>
public sealed class ParserOptions
{
    public const string Section = "Parsing";

    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Sum of the uncompressed sizes of every part of an xlsx: the zip-bomb guard.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUncompressedBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>A single part may not expand more than this many times; real sheets compress about 10:1.</summary>
    [Range(1, 10_000)]
    public int MaxCompressionRatio { get; set; } = 200;

    [Range(1, 1000)]
    public int MaxSheets { get; set; } = 50;

    [Range(1, 1_000_000)]
    public int MaxDataRows { get; set; } = 50_000;

    /// <summary>Decimal separator from the customer profile or workbook locale, used only when a column is ambiguous.</summary>
    public char? DecimalSeparator { get; set; }

    /// <summary>Date order for ambiguous text dates like 03/04/2026: "dmy" or "mdy" from the customer profile.</summary>
    public string? DateOrder { get; set; }

    /// <summary>Extra header synonyms per field (code, ean, description, quantity, unit, price).</summary>
    public Dictionary<string, string[]> ExtraSynonyms { get; set; } = [];

    /// <summary>These limits with a customer's own conventions laid over the workbook-wide defaults.</summary>
    internal ParserOptions With(CustomerConventions conventions) => new()
    {
        MaxFileBytes = MaxFileBytes,
        MaxUncompressedBytes = MaxUncompressedBytes,
        MaxCompressionRatio = MaxCompressionRatio,
        MaxSheets = MaxSheets,
        MaxDataRows = MaxDataRows,
        DecimalSeparator = conventions.DecimalSeparator ?? DecimalSeparator,
        DateOrder = conventions.DateOrder ?? DateOrder,
        ExtraSynonyms = ExtraSynonyms,
    };
}

/// <summary>
/// What a confirmed customer profile knows about its files (spec R16): the decimal separator and date order ("dmy" or
/// "mdy") that settle values the file alone leaves ambiguous.
/// </summary>
public sealed record CustomerConventions(char? DecimalSeparator, string? DateOrder);
