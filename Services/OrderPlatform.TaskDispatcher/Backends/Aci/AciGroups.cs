using System.Text.Json.Nodes;

namespace OrderPlatform.TaskDispatcher.Backends.Aci;

/// <summary>The containerGroups JSON shapes (spec §6): the PUT body and the state read back from GET.</summary>
internal static class AciGroups
{
    public const string ContainerName = "task";
    public const string TaskTag = "orderplatform-task";

    public static JsonObject Body(AciOptions options, TaskStartRequest request) => new()
    {
        ["location"] = options.Location,
        ["tags"] = new JsonObject { [TaskTag] = "true", ["client"] = request.Client, ["messageId"] = request.MessageId },
        ["identity"] = new JsonObject
        {
            ["type"] = "UserAssigned",
            ["userAssignedIdentities"] = new JsonObject { [options.IdentityId] = new JsonObject() },
        },
        ["properties"] = new JsonObject
        {
            ["osType"] = "Linux",
            ["restartPolicy"] = "Never",
            ["sku"] = "Standard",
            ["imageRegistryCredentials"] = new JsonArray(new JsonObject { ["server"] = options.RegistryServer, ["identity"] = options.IdentityId }),
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = ContainerName,
                ["properties"] = new JsonObject
                {
                    ["image"] = $"{options.RegistryServer}/{options.Image}",
                    ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = options.Cpu, ["memoryInGB"] = options.MemoryInGb } },
                    ["environmentVariables"] = new JsonArray(
                        new JsonObject { ["name"] = "TASK_DATA", ["secureValue"] = request.TaskData },
                        new JsonObject { ["name"] = "TASK_NAME", ["value"] = request.Name },
                        new JsonObject { ["name"] = "TASK_MESSAGE_ID", ["value"] = request.MessageId }),
                },
            }),
        },
    };

    /// <summary>provisioningState, then the group's and the container's instance view, as one state.</summary>
    public static TaskInstance State(string name, JsonNode group)
    {
        var properties = group["properties"];
        var provisioning = properties?["provisioningState"]?.GetValue<string>();
        var view = properties?["instanceView"]?["state"]?.GetValue<string>();
        var current = properties?["containers"]?[0]?["properties"]?["instanceView"]?["currentState"];
        var exitCode = current?["exitCode"]?.GetValue<int>();
        var started = Time(current?["startTime"]);
        var finished = Time(current?["finishTime"]);
        var state = (provisioning, view) switch
        {
            ("Failed", _) => TaskInstanceState.Failed,
            (_, "Succeeded") => TaskInstanceState.Succeeded,
            (_, "Failed") => TaskInstanceState.Failed,
            (_, "Stopped") => TaskInstanceState.Stopped,
            (_, "Running") => TaskInstanceState.Running,
            _ => TaskInstanceState.Pending,
        };
        return new TaskInstance(name, state, exitCode, started, finished);
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is not null && DateTimeOffset.TryParse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
}
