namespace OrderPlatform.OrderSheets;

/// <summary>A line table found on a sheet: where its header and data sit, and how convincing it is.</summary>
internal sealed record TableCandidate(
    RawSheet Sheet,
    int HeaderRow,
    int GroupRow,
    int FirstColumn,
    int LastColumn,
    int FirstDataRow,
    int EndRow,
    string[] Headers,
    string Basis)
{
    /// <summary>Rows with a positive quantity next to a code or description (spec R2's sheet score).</summary>
    public int Qualifying { get; set; }

    public double HeaderScore { get; set; }

    /// <summary>An Excel Table or a named range that reads as a line table: certain, so it beats any score (R2).</summary>
    public bool FromTable => Basis is "table" or "named range";
}
