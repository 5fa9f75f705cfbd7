using System.Text.Json.Nodes;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>Flow JSON for tests, written the way a user writes it.</summary>
public static class Flows
{
    public static JsonObject Flow(params JsonObject[] steps) => new() { ["steps"] = new JsonArray(steps) };

    public static JsonObject With(this JsonObject flow, string key, JsonNode value)
    {
        flow[key] = value;
        return flow;
    }

    public static JsonObject Code(string name, string source, JsonNode? input = null) =>
        new() { ["type"] = "code", ["name"] = name, ["source"] = source, ["input"] = input };

    public static JsonObject Respond(string name, JsonNode? body, int status = 200) =>
        new() { ["type"] = "respond", ["name"] = name, ["status"] = status, ["body"] = body };

    public static JsonObject Http(string name, string url, bool retry = false, bool continueOnFailure = false) =>
        new() { ["type"] = "http", ["name"] = name, ["url"] = url, ["retryOnFailure"] = retry, ["continueOnFailure"] = continueOnFailure };

    public static JsonObject Wait(string name, int timeoutSeconds = 3600) =>
        new() { ["type"] = "wait-for-webhook", ["name"] = name, ["timeoutSeconds"] = timeoutSeconds };

    public static JsonObject Delay(string name, double seconds) => new() { ["type"] = "delay", ["name"] = name, ["seconds"] = seconds };
}
