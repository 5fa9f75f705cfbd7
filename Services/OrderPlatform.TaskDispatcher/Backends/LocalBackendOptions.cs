namespace OrderPlatform.TaskDispatcher.Backends;

/// <summary>The Local backend (section <c>TaskDispatch:Local</c>): the TaskWorker as a child process.</summary>
public sealed class LocalBackendOptions
{
    public const string Section = "TaskDispatch:Local";

    /// <summary>One folder per run (pid, output, exit code); shared by every dispatcher of the machine so they adopt each other's runs.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "orderplatform-taskdispatch");

    /// <summary>The TaskWorker's dll, run with <c>dotnet</c>; by default the one built next to the dispatcher.</summary>
    public string WorkerPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "OrderPlatform.TaskWorker.dll");

    /// <summary>Environment the worker gets besides the dispatcher's own (<c>ConnectionStrings__blobs</c> and the like).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];
}
