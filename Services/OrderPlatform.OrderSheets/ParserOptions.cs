using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.OrderSheets;

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

    /// <summary>Columns a sheet may use (cells, merges, Excel Tables, CSV fields); order tables are a dozen wide.</summary>
    [Range(1, 16_384)]
    public int MaxColumns { get; set; } = 256;

    /// <summary>Cell slots held in memory across the workbook (about 32 bytes each): the out-of-memory guard.</summary>
    [Range(1, 100_000_000)]
    public long MaxCells { get; set; } = 3_000_000;

    [Range(0, 1_000_000)]
    public int MaxMerges { get; set; } = 10_000;

    /// <summary>Cells all merged ranges together may cover; unmerging copies a value into each of them (R6).</summary>
    [Range(0, 100_000_000)]
    public long MaxMergedCells { get; set; } = 1_000_000;

    /// <summary>
    /// Distinct texts in an xlsx. Excel stores each text once, so even a 50,000-line order with every code and
    /// description different needs about 100,000; the cap keeps a hostile table's refusal well under a second.
    /// </summary>
    [Range(0, 100_000_000)]
    public int MaxSharedStrings { get; set; } = 250_000;

    /// <summary>Characters of all shared strings together (two bytes each in memory).</summary>
    [Range(0, long.MaxValue)]
    public long MaxSharedStringCharacters { get; set; } = 32_000_000;

    /// <summary>
    /// The longest one parse may run before the file is refused as too complex; well inside parse-excel's
    /// start-to-close timeout, and far above the few seconds the largest allowed sheet takes.
    /// </summary>
    public TimeSpan MaxParseTime { get; set; } = TimeSpan.FromSeconds(60);

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
        MaxColumns = MaxColumns,
        MaxCells = MaxCells,
        MaxMerges = MaxMerges,
        MaxMergedCells = MaxMergedCells,
        MaxSharedStrings = MaxSharedStrings,
        MaxSharedStringCharacters = MaxSharedStringCharacters,
        MaxParseTime = MaxParseTime,
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
