using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.Worker.Committee;

public sealed class CommitteeOptions
{
    public const string Section = "Committee";

    /// <summary>Below this a field goes to the human (spec R17).</summary>
    [Range(0.0, 1.0)]
    public double ConfidenceThreshold { get; set; } = 0.7;

    /// <summary>Units whose quantities may be fractional (spec R10); other units flag a fraction.</summary>
    public string[] FractionalUnits { get; set; } = ["kg", "g", "t", "m", "cm", "mm", "m2", "m²", "m3", "l", "lfm", "h"];
}
