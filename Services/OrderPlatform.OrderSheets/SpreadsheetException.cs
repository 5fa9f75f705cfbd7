namespace OrderPlatform.OrderSheets;

/// <summary>Why a file could not be read; the workflow marks every one of these non-retryable.</summary>
public enum SpreadsheetError
{
    NotASpreadsheet,
    SharingLinkPage,
    UnsupportedFormat,
    Encrypted,
    Corrupt,
    TooLarge,
    ZipBomb,
    TooManySheets,
    TooManyRows,
    NoData,
    TooManyColumns,
    TooManyCells,
    TooManyMerges,
    TooManyStrings,
    TooComplex,
}

/// <summary>
/// A bad input file. <see cref="Exception.Message"/> is a sentence meant for the user who sent the file, so it never
/// carries stack details or file contents beyond names.
/// </summary>
public sealed class SpreadsheetException(SpreadsheetError error, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public SpreadsheetError Error { get; } = error;

    public string Code => Error.ToString();
}
