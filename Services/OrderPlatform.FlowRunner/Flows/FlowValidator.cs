using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrderPlatform.FlowRunner.Templating;

namespace OrderPlatform.FlowRunner.Flows;

/// <summary>
/// Turns a flow's JSON into a <see cref="FlowDefinition"/> or a list of problems, each naming where it is
/// (<c>steps[2].type</c>) and what is wrong, for a 400 that lets the author fix the flow without guessing.
/// </summary>
public static partial class FlowValidator
{
    private static readonly string[] Operators =
    [
        "textEquals", "textNotEquals", "textContains", "numberEquals", "numberGreaterThan", "numberLessThan",
        "exists", "notExists", "isTrue", "isFalse", "listContains",
    ];

    /// <summary>Template roots that are not steps: decrypted connections, and the flow's own resume URLs.</summary>
    public const string ConnectionsRoot = "connections";
    public const string WaitpointsRoot = "waitpoints";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

    public static (FlowDefinition? Flow, List<string> Errors) Parse(JsonNode? json)
    {
        var errors = new List<string>();
        if (json is not JsonObject root)
        {
            return (null, ["The flow definition must be a JSON object."]);
        }

        CheckStepTypes(root["steps"], "steps", errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        FlowDefinition? flow;
        try
        {
            flow = root.Deserialize<FlowDefinition>(FlowDefinition.Json);
        }
        catch (JsonException e)
        {
            return (null, [$"Invalid flow JSON at {e.Path ?? "$"}: {e.Message.Split(" Path:")[0]}"]);
        }

        if (flow is null)
        {
            return (null, ["The flow definition is null."]);
        }

        Validate(flow, errors);
        return (errors.Count == 0 ? flow : null, errors);
    }

    // Before deserialising, so an unknown type is reported with its position and the known types.
    private static void CheckStepTypes(JsonNode? steps, string path, List<string> errors)
    {
        if (steps is not JsonArray array)
        {
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var step = array[i] as JsonObject;
            var type = step?["type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (type is null || !Step.Types.Contains(type))
            {
                errors.Add($"{path}[{i}].type: unknown step type '{type}' (known: {string.Join(", ", Step.Types)}).");
                continue;
            }

            CheckStepTypes(step!["steps"], $"{path}[{i}].steps", errors);
            if (step["branches"] is JsonArray branches)
            {
                for (var b = 0; b < branches.Count; b++)
                {
                    CheckStepTypes(branches[b]?["steps"], $"{path}[{i}].branches[{b}].steps", errors);
                }
            }
        }
    }

    private static void Validate(FlowDefinition flow, List<string> errors)
    {
        if (flow.SchemaVersion != FlowDefinition.CurrentSchemaVersion)
        {
            errors.Add($"schemaVersion: {flow.SchemaVersion} is not supported (use {FlowDefinition.CurrentSchemaVersion}).");
        }

        if (flow.Trigger.Type is not ("webhook" or "schedule"))
        {
            errors.Add($"trigger.type: '{flow.Trigger.Type}' is not supported (use 'webhook' or 'schedule').");
        }
        else if (flow.Trigger.Type == "schedule")
        {
            errors.AddRange(Schedules.ScheduleClock.Validate(flow.Trigger.Schedule));
        }

        if (flow.Settings.Concurrency is < 1 or > 1000)
        {
            errors.Add("settings.concurrency: must be between 1 and 1000.");
        }

        if (flow.Settings.TimeoutSeconds is < 1 or > 86_400)
        {
            errors.Add("settings.timeoutSeconds: must be between 1 and 86400.");
        }

        ValidateConcurrencyKey(flow.Settings.ConcurrencyKey, errors);
        if (flow.Steps.Count == 0)
        {
            errors.Add("steps: a flow needs at least one step.");
        }

        foreach (var nested in flow.AllSteps().Except(flow.Steps).OfType<WaitForWebhookStep>())
        {
            errors.Add($"step '{nested.Name}': wait-for-webhook pauses the whole run, so it must be a top-level step (not inside a router or loop).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { "trigger", ConnectionsRoot, WaitpointsRoot };
        foreach (var step in flow.AllSteps())
        {
            if (!NamePattern().IsMatch(step.Name))
            {
                errors.Add($"step '{step.Name}': a name is letters, digits and '_', starting with a letter.");
            }
            else if (!names.Add(step.Name))
            {
                errors.Add($"step '{step.Name}': the name is used twice (or is one of the reserved 'trigger', 'connections', 'waitpoints').");
            }
        }

        foreach (var step in flow.AllSteps())
        {
            ValidateStep(step, errors);
            CheckTemplates(step, names, flow, errors);
        }
    }

    private static void ValidateConcurrencyKey(ConcurrencyKey? key, List<string> errors)
    {
        if (key?.Limit is < 1 or > 1000)
        {
            errors.Add("settings.concurrencyKey.limit: must be between 1 and 1000 (1 runs each key sequentially).");
        }

        try
        {
            if (key is not null && (!key.Value.Contains("{{", StringComparison.Ordinal) || Template.Roots(JsonValue.Create(key.Value)).Any(r => r != "trigger")))
            {
                errors.Add("settings.concurrencyKey.value: a template over the trigger is required (e.g. \"{{trigger.body.customerId}}\").");
            }
        }
        catch (TemplateException e)
        {
            errors.Add($"settings.concurrencyKey.value: {e.Message}");
        }
    }

    private static void ValidateStep(Step step, List<string> errors)
    {
        var at = $"step '{step.Name}'";
        switch (step)
        {
            case HttpStep http:
                if (!Methods.Contains(http.Method.ToUpperInvariant()))
                {
                    errors.Add($"{at}: method '{http.Method}' is not one of {string.Join(", ", Methods)}.");
                }

                if (string.IsNullOrWhiteSpace(http.Url))
                {
                    errors.Add($"{at}: url is required.");
                }

                if (http.TimeoutSeconds is < 1 or > 300)
                {
                    errors.Add($"{at}: timeoutSeconds must be between 1 and 300.");
                }

                break;
            case CodeStep code:
                ValidateCode(code, at, errors);
                break;
            case RouterStep router:
                ValidateRouter(router, at, errors);
                break;
            case LoopStep loop when loop.Items is null:
                errors.Add($"{at}: items is required (e.g. \"{{{{trigger.body.items}}}}\").");
                break;
            case DelayStep delay when delay.Seconds is < 0 or > 2_592_000:
                errors.Add($"{at}: seconds must be between 0 and 2592000 (30 days).");
                break;
            case RespondStep respond when respond.Status is < 100 or > 599:
                errors.Add($"{at}: status {respond.Status} is not an HTTP status.");
                break;
            case WaitForWebhookStep wait when wait.TimeoutSeconds is < 1 or > WaitForWebhookStep.DefaultTimeoutSeconds:
                errors.Add($"{at}: timeoutSeconds must be between 1 and {WaitForWebhookStep.DefaultTimeoutSeconds} (30 days).");
                break;
        }
    }

    private static void ValidateCode(CodeStep code, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(code.Source))
        {
            errors.Add($"{at}: source is required.");
            return;
        }

        try
        {
            Jint.Engine.PrepareScript(Steps.CodeRunner.Wrap(code.Source));
        }
        catch (Exception e) when (e is Jint.ScriptPreparationException or Acornima.ParseErrorException or Jint.Runtime.JavaScriptException)
        {
            errors.Add($"{at}: the JavaScript does not parse: {e.Message}");
        }
    }

    private static void ValidateRouter(RouterStep router, string at, List<string> errors)
    {
        if (router.Mode is not ("firstMatch" or "allMatch"))
        {
            errors.Add($"{at}: mode '{router.Mode}' is neither 'firstMatch' nor 'allMatch'.");
        }

        if (router.Branches.Count == 0 || router.Branches.Count(b => b.Fallback) > 1)
        {
            errors.Add($"{at}: a router needs at least one branch and at most one fallback.");
        }

        foreach (var condition in router.Branches.SelectMany(b => b.Conditions).SelectMany(g => g))
        {
            if (!Operators.Contains(condition.Operator))
            {
                errors.Add($"{at}: operator '{condition.Operator}' is unknown (known: {string.Join(", ", Operators)}).");
            }
        }
    }

    private static void CheckTemplates(Step step, HashSet<string> names, FlowDefinition flow, List<string> errors)
    {
        JsonNode? values;
        try
        {
            values = TemplatedValues(step);
        }
        catch (JsonException e)
        {
            errors.Add($"step '{step.Name}': {e.Message}");
            return;
        }

        try
        {
            foreach (var (root, member) in Template.References(values).Distinct())
            {
                if (!names.Contains(root))
                {
                    errors.Add($"step '{step.Name}': template refers to '{root}', which is neither 'trigger', 'connections', 'waitpoints' nor a step of this flow.");
                }
                else if (root == ConnectionsRoot && member is null)
                {
                    errors.Add($"step '{step.Name}': name the connection: {{{{connections.<name>}}}}.");
                }
                else if (root == WaitpointsRoot && !flow.Steps.OfType<WaitForWebhookStep>().Any(w => w.Name == member))
                {
                    errors.Add($"step '{step.Name}': {{{{waitpoints.{member}}}}} names no wait-for-webhook step of this flow.");
                }
            }
        }
        catch (TemplateException e)
        {
            errors.Add($"step '{step.Name}': {e.Message}");
        }
    }

    /// <summary>The step's own templated values as JSON, not its nested steps' (those are steps themselves).</summary>
    internal static JsonNode? TemplatedValues(Step step) => JsonSerializer.SerializeToNode<object>(ShallowValues(step), FlowDefinition.Json);

    private static object ShallowValues(Step step) => step switch
    {
        HttpStep s => new { s.Url, s.Headers, s.Body },
        CodeStep s => new { s.Input },
        RouterStep s => new { Conditions = s.Branches.SelectMany(b => b.Conditions).SelectMany(g => g).Select(c => new { c.Left, c.Right }) },
        LoopStep s => new { s.Items },
        RespondStep s => new { s.Body, s.Headers },
        _ => new { },
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
