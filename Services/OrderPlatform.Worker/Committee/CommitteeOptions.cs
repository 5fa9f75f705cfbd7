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

    /// <summary>
    /// The whole LLM call, connect to last byte: the member abstains past it, well inside run-committee's two minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:30")]
    public TimeSpan LlmTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
