/// <summary>
/// Our command-line flags, mapped onto Aspire's options before the builder sees the arguments: Aspire has no switch
/// for a headless run (only <see cref="DistributedApplicationOptions.DisableDashboard"/>), and the local-process
/// settings live in the <c>LocalProcesses</c> configuration section.
/// </summary>
internal static class AppHostArguments
{
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["--runtime"] = "--LocalProcesses:Runtime",
        ["--data-dir"] = "--LocalProcesses:DataDirectory",
    };

    /// <summary><c>--no-dashboard</c>, <c>--runtime auto|local|containers</c>, <c>--data-dir DIR</c>; the rest passes through.</summary>
    public static DistributedApplicationOptions Parse(string[] args)
    {
        var rest = new List<string>();
        var noDashboard = false;
        foreach (var arg in args)
        {
            if (arg == "--no-dashboard")
            {
                noDashboard = true;
                continue;
            }
            var name = arg.Split('=', 2)[0];
            rest.Add(Renamed.TryGetValue(name, out var renamed) ? renamed + arg[name.Length..] : arg);
        }
        return new DistributedApplicationOptions { Args = [.. rest], DisableDashboard = noDashboard };
    }
}
