using System.Globalization;

namespace OrderPlatform.AppHost.Tests;

/// <summary>A process seen in /proc: its pid and start time (so a reused pid is not mistaken for it) and command line.</summary>
internal sealed record ProcessInfo(int Pid, long StartTime, string Command)
{
    /// <summary>True while the same process exists and is not a zombie.</summary>
    public bool IsAlive => ProcessTable.Read(Pid) is { } now && now.StartTime == StartTime && ProcessTable.State(Pid) is not ('Z' or 'X' or null);

    public override string ToString() => $"{Pid} {Command}";
}

/// <summary>Reads processes, process trees and listening TCP ports from /proc.</summary>
internal static class ProcessTable
{
    public static ProcessInfo? Read(int pid)
    {
        var fields = Stat(pid);
        if (fields is null || fields.Length < 20)
        {
            return null;
        }
        string command;
        try
        {
            command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            command = "";
        }
        // Field 22 of stat is the start time; fields[] starts after the command name at field 3.
        return new ProcessInfo(pid, long.Parse(fields[19], CultureInfo.InvariantCulture), command);
    }

    public static char? State(int pid) => Stat(pid) is { Length: > 0 } f ? f[0][0] : null;

    /// <summary>Every process below <paramref name="root"/> (not including it).</summary>
    public static List<ProcessInfo> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { Length: > 3 } fields
                && int.TryParse(fields[1], out var parent))
            {
                parents[pid] = parent;
            }
        }
        var result = new List<ProcessInfo>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var child in parents.Where(p => p.Value == current).Select(p => p.Key))
            {
                if (Read(child) is { } info)
                {
                    result.Add(info);
                }
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>Processes whose process group is <paramref name="pgid"/>.</summary>
    public static List<ProcessInfo> InGroup(int pgid) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { Length: > 3 } f && f[2] == pgid.ToString(CultureInfo.InvariantCulture))
            .Select(Read).OfType<ProcessInfo>()];

    /// <summary>Processes (DCP) started with <c>--monitor {pid}</c>: they watch <paramref name="pid"/> and stop with it.</summary>
    public static List<ProcessInfo> Watching(int pid)
    {
        var flag = $"--monitor {pid.ToString(CultureInfo.InvariantCulture)} ";
        return [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0 && p != pid)
            .Select(Read).OfType<ProcessInfo>()
            .Where(p => (p.Command + " ").Contains(flag, StringComparison.Ordinal))];
    }

    /// <summary>The TCP ports in LISTEN state whose sockets any of <paramref name="pids"/> holds.</summary>
    public static HashSet<int> ListeningPorts(IEnumerable<int> pids)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in pids)
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                    {
                        inodes.Add(target["socket:[".Length..^1]);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return [.. Listening().Where(l => inodes.Contains(l.Inode)).Select(l => l.Port)];
    }

    /// <summary>All TCP ports in LISTEN state on this machine (v4 and v6).</summary>
    public static HashSet<int> AllListeningPorts() => [.. Listening().Select(l => l.Port)];

    private static IEnumerable<(int Port, string Inode)> Listening()
    {
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // local_address rem_address st ... inode (field 9); st 0A = LISTEN.
                if (parts.Length > 9 && parts[3] == "0A")
                {
                    var port = int.Parse(parts[1][(parts[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    yield return (port, parts[9]);
                }
            }
        }
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
