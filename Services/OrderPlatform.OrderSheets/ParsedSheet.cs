using System.Text.Json.Serialization;

namespace OrderPlatform.OrderSheets;

public enum CellKind
{
    Empty,
    Text,
    Number,
    Date,
    Boolean,
    Error,
}

/// <summary>
/// One cell of a data row. <see cref="Text"/> is what the file holds (numbers written without exponent so codes keep
/// their digits); <see cref="Number"/> and <see cref="Date"/> are the typed readings, null when not readable.
/// Nulls and the derived flag stay out of JSON: a parsed sheet travels between workflow activities.
/// </summary>
public sealed record ParsedCell(
    CellKind Kind,
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Number = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? Date = null)
{
    public static readonly ParsedCell Empty = new(CellKind.Empty, "");

    [JsonIgnore]
    public bool IsEmpty => Kind == CellKind.Empty || (Kind == CellKind.Text && Text.Length == 0);
}

/// <summary>
/// A table column: its header text (two-row headers joined as "group / sub"), the field the header synonyms suggest,
/// the decimal separator chosen for its text numbers (null when it had none or stayed ambiguous), and the field its
/// values suggest when no header names that field (<see cref="OrderFields.Code"/> for article numbers under a header no
/// dictionary knows, or none at all).
/// </summary>
public sealed record ParsedColumn(
    int Index,
    string Letter,
    string Header,
    string? SynonymField,
    double SynonymScore,
    char? DecimalSeparator,
    bool DecimalAmbiguous,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentField = null);

/// <summary>A data row; <see cref="RowNumber"/> is the 1-based row in the file so every number can be traced.</summary>
public sealed record ParsedRow(int RowNumber, IReadOnlyList<ParsedCell> Cells, IReadOnlyList<string> Warnings);

/// <summary>A key/value found above the header (spec R7): key is customer, poNumber, deliveryDate or orderDate.</summary>
public sealed record MetadataField(string Key, string Label, string Value, string CellReference, DateOnly? Date);

/// <summary>A choice the parser refused to guess (spec R17): asked on a card with the options listed.</summary>
public sealed record ParseQuestion(string Topic, string Text, IReadOnlyList<string> Options);

/// <summary>What parse-excel hands to run-committee: the chosen table, its metadata and every doubt on the way.</summary>
public sealed record ParsedSheet(
    string Format,
    string SheetName,
    string SheetBasis,
    int? HeaderRowNumber,
    IReadOnlyList<ParsedColumn> Columns,
    IReadOnlyList<ParsedRow> Rows,
    IReadOnlyList<MetadataField> Metadata,
    IReadOnlyList<int> SkippedRows,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ParseQuestion> Questions)
{
    /// <summary>Normalised header texts joined: the fingerprint a customer profile is matched against (R16).</summary>
    [JsonIgnore]
    public string HeaderFingerprint => string.Join("|", Columns.Select(c => TextNormalizer.Normalize(c.Header)));
}
