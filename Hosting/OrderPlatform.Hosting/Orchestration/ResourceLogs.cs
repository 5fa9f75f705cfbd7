namespace OrderPlatform.Hosting.Orchestration;

/// <summary>One captured line of a resource's console output.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset Time, string Text, bool IsError);

/// <summary>
/// Keeps the last lines of each resource's stdout/stderr (bounded, so a chatty service cannot eat memory) and lets
/// the dashboard page through them. Known secret values are masked before a line is stored.
/// </summary>
public sealed class ResourceLoggerService
{
    private const int MaxLinesPerResource = 5000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<LogLine>> _lines = new(StringComparer.Ordinal);
    private readonly List<string> _secrets = [];
    private long _sequence;

    /// <summary>Raised for every stored line (resource name, line).</summary>
    public event Action<string, LogLine>? LineWritten;

    internal void AddSecret(string value)
    {
        // Very short values would mask ordinary words; generated secrets are long.
        if (value.Length >= 6)
        {
            lock (_gate) { _secrets.Add(value); }
        }
    }

    internal string Mask(string text)
    {
        lock (_gate)
        {
            foreach (var secret in _secrets)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }

    internal void Write(string resource, string text, bool isError = false)
    {
        LogLine line;
        lock (_gate)
        {
            if (!_lines.TryGetValue(resource, out var list))
            {
                _lines[resource] = list = new LinkedList<LogLine>();
            }
            line = new LogLine(++_sequence, DateTimeOffset.UtcNow, Mask(text), isError);
            list.AddLast(line);
            if (list.Count > MaxLinesPerResource)
            {
                list.RemoveFirst();
            }
        }
        LineWritten?.Invoke(resource, line);
    }

    /// <summary>Lines of a resource with a sequence number above <paramref name="after"/>.</summary>
    public IReadOnlyList<LogLine> GetLines(string resource, long after = 0, int max = 1000)
    {
        lock (_gate)
        {
            return _lines.TryGetValue(resource, out var list) ? [.. list.Where(l => l.Sequence > after).TakeLast(max)] : [];
        }
    }

    /// <summary>The last <paramref name="count"/> lines as text, for error messages.</summary>
    public string Tail(string resource, int count = 20) =>
        string.Join(Environment.NewLine, GetLines(resource, 0, count).Select(l => l.Text));
}
