namespace OrderPlatform.TemporalDev.CommandLine;

/// <summary>
/// Parses the Temporal CLI's <c>server start-dev</c> arguments, as WorkflowEnvironment.StartLocalAsync passes them.
/// Flags that only matter to the real CLI (UI, logging, dynamic config) are accepted and ignored.
/// </summary>
internal static class StartDevArguments
{
    private static readonly HashSet<string> IgnoredWithValue =
    [
        "--ui-port", "--ui-ip", "--log-format", "--log-level", "--dynamic-config-value", "--search-attribute",
        "--metrics-port", "--http-port", "--ui-asset-path", "--ui-codec-endpoint", "--sqlite-pragma", "--log-config",
    ];

    private static readonly HashSet<string> IgnoredSwitches = ["--headless"];

    public static TemporalDevServerOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "server" || args[1] != "start-dev")
        {
            throw new ArgumentException("usage: OrderPlatform.TemporalDev server start-dev [--port P] [--ip IP] [--namespace NS] [--db-filename FILE] [--headless]");
        }

        var options = new TemporalDevServerOptions { Port = 7233 };
        for (int i = 2; i < args.Count; i++)
        {
            (string flag, string? inline) = args[i].Split('=', 2) is [var f, var v] && f.StartsWith("--", StringComparison.Ordinal)
                ? (f, v)
                : (args[i], null);
            if (IgnoredSwitches.Contains(flag))
            {
                continue;
            }

            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value"));
            switch (flag)
            {
                case "--port" or "-p": options.Port = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--ip": options.Ip = Value(); break;
                case "--namespace" or "-n": options.Namespaces.Add(Value()); break;
                case "--db-filename" or "-f": options.DbFilename = Value(); break;
                case var ignored when IgnoredWithValue.Contains(ignored): Value(); break;
                default: throw new ArgumentException($"unknown flag {flag} for server start-dev");
            }
        }

        return options;
    }
}
