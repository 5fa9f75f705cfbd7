using System.Globalization;
using System.Text.Json.Nodes;

namespace OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;

/// <summary>The Microsoft.App/jobs JSON shapes: the Manual job's PUT body, a start's template override, an execution's state.</summary>
internal static class JobShapes
{
    public const string ContainerName = "task";

    /// <summary>The env value an execution is found by after a restart: the run name, derived from the message id.</summary>
    public const string NameVariable = "TASK_NAME";

    public static JsonObject Job(ContainerAppsJobOptions options) => new()
    {
        ["location"] = options.Location,
        ["tags"] = new JsonObject { ["orderplatform-task"] = "true" },
        ["identity"] = new JsonObject
        {
            ["type"] = "UserAssigned",
            ["userAssignedIdentities"] = new JsonObject { [options.IdentityId!] = new JsonObject() },
        },
        ["properties"] = new JsonObject
        {
            ["environmentId"] = options.EnvironmentId,
            ["configuration"] = new JsonObject
            {
                ["triggerType"] = "Manual",
                ["replicaTimeout"] = options.ReplicaTimeoutSeconds,
                // The dispatcher owns retries (back-off, poison at five): a replica retry would run the task again unseen.
                ["replicaRetryLimit"] = 0,
                ["manualTriggerConfig"] = new JsonObject { ["parallelism"] = 1, ["replicaCompletionCount"] = 1 },
                ["registries"] = new JsonArray(new JsonObject { ["server"] = options.RegistryServer, ["identity"] = options.IdentityId }),
            },
            ["template"] = new JsonObject { ["containers"] = new JsonArray(Container(options, image: Image(options))) },
        },
    };

    /// <summary>
    /// Jobs - Start's body (a JobExecutionTemplate). Its env entries take a value or a secretRef to one of the job's
    /// own secrets, which every execution shares; there is no per-execution secret, so TASK_DATA is a value here.
    /// </summary>
    public static JsonObject Start(ContainerAppsJobOptions options, TaskStartRequest request, string image)
    {
        var container = Container(options, image);
        container["env"] = new JsonArray(
            new JsonObject { ["name"] = "TASK_DATA", ["value"] = request.TaskData },
            new JsonObject { ["name"] = NameVariable, ["value"] = request.Name },
            new JsonObject { ["name"] = "TASK_MESSAGE_ID", ["value"] = request.MessageId });
        return new JsonObject { ["containers"] = new JsonArray(container) };
    }

    /// <summary>The image the job runs (an existing job keeps its own; the override must name one).</summary>
    public static string Image(ContainerAppsJobOptions options) =>
        string.IsNullOrEmpty(options.RegistryServer) ? options.Image : $"{options.RegistryServer}/{options.Image}";

    public static string? ImageOf(JsonNode job) =>
        job["properties"]?["template"]?["containers"]?.AsArray().FirstOrDefault(c => c?["name"]?.GetValue<string>() == ContainerName)?["image"]?.GetValue<string>();

    public static string? ProvisioningState(JsonNode job) => job["properties"]?["provisioningState"]?.GetValue<string>();

    /// <summary>The run name an execution was started for, from its template's env (null for executions not ours).</summary>
    public static string? RunName(JsonNode execution) =>
        execution["properties"]?["template"]?["containers"]?.AsArray()
            .FirstOrDefault(c => c?["name"]?.GetValue<string>() == ContainerName)?["env"]?.AsArray()
            .FirstOrDefault(e => e?["name"]?.GetValue<string>() == NameVariable)?["value"]?.GetValue<string>();

    /// <summary>
    /// Execution status onto the instance states. ARM reports no exit code for executions: Succeeded means every
    /// replica exited 0 (so 0), anything else leaves it unknown. Degraded (some replicas failed) is a failure here.
    /// </summary>
    public static TaskInstance State(string name, JsonNode execution)
    {
        var properties = execution["properties"];
        var state = properties?["status"]?.GetValue<string>() switch
        {
            "Running" or "Processing" => TaskInstanceState.Running,
            "Succeeded" => TaskInstanceState.Succeeded,
            "Failed" or "Degraded" => TaskInstanceState.Failed,
            "Stopped" => TaskInstanceState.Stopped,
            _ => TaskInstanceState.Pending,
        };
        return new TaskInstance(name, state, state == TaskInstanceState.Succeeded ? 0 : null, Time(properties?["startTime"]), Time(properties?["endTime"]));
    }

    public static DateTimeOffset? StartedAt(JsonNode execution) => Time(execution["properties"]?["startTime"]);

    private static JsonObject Container(ContainerAppsJobOptions options, string image) => new()
    {
        ["name"] = ContainerName,
        ["image"] = image,
        ["resources"] = new JsonObject
        {
            ["cpu"] = options.Cpu,
            ["memory"] = $"{options.MemoryInGi.ToString(CultureInfo.InvariantCulture)}Gi",
        },
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is not null && DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, out var t) ? t : null;
}
