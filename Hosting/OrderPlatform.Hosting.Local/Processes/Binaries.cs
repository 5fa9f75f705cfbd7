namespace Aspire.Hosting.LocalProcesses;

/// <summary>Finds programs on PATH and in the folders Debian installs them to.</summary>
public static class Binaries
{
    /// <summary>The full path of <paramref name="name"/>, searching PATH then <paramref name="extraDirectories"/>.</summary>
    public static string? Find(string name, IEnumerable<string>? extraDirectories = null)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator) ?? [];
        return path.Concat(extraDirectories ?? [])
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Postgres server binaries: PATH, then the highest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public static IEnumerable<string> PostgresDirectories() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];

    /// <summary>The dotnet host: the one running this process's <c>dotnet run</c> (DOTNET_HOST_PATH) if set, else from PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Find("dotnet") ?? "dotnet";

    /// <summary>Whether this process runs as root (Postgres refuses to, so it is run as the postgres user).</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    internal static bool SystemUserExists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(user + ":", StringComparison.Ordinal));
}
