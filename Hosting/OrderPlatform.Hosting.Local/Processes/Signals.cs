using System.Runtime.InteropServices;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>POSIX signal numbers used to stop children, and kill(2).</summary>
internal static partial class Signals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static void Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { }
            return;
        }
        _ = SysKill(pid, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);
}

/// <summary>Reads the process tree from /proc (empty elsewhere).</summary>
internal static class ProcessTree
{
    public static List<int> Descendants(int root)
    {
        if (!Directory.Exists("/proc"))
        {
            return [];
        }
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { Length: > 3 } fields
                && int.TryParse(fields[1], out var parent))
            {
                parents[pid] = parent;
            }
        }
        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var child in parents.Where(p => p.Value == current).Select(p => p.Key))
            {
                result.Add(child);
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>Fields of /proc/pid/stat after the command name (which may contain spaces).</summary>
    public static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
