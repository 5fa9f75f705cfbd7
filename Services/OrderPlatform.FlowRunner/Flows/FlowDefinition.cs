using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OrderPlatform.FlowRunner.Flows;

/// <summary>
/// A flow's graph as stored in a version's <c>definition</c> and exchanged by import/export: a webhook trigger and an
/// ordered list of steps (the reference's <c>nextAction</c> linked list, written as an array). Values anywhere inside a
/// step may hold <c>{{step.path}}</c> templates.
/// </summary>
public sealed class FlowDefinition
{
    public const int CurrentSchemaVersion = 1;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public WebhookTrigger Trigger { get; init; } = new();

    public FlowSettings Settings { get; init; } = new();

    public List<Step> Steps { get; init; } = [];

    public IEnumerable<Step> AllSteps() => Steps.SelectMany(s => s.SelfAndNested());
}

/// <summary>
/// The trigger: <c>webhook</c> (the default), or <c>schedule</c> with a <see cref="Schedule"/>; a scheduled flow's
/// webhook routes stay open too (to test it, or to fire it by hand).
/// </summary>
public sealed class WebhookTrigger
{
    public string Type { get; init; } = "webhook";

    public ScheduleDefinition? Schedule { get; init; }

    /// <summary>Where a request's idempotency key is read: a header, or a path into the JSON body (<c>order.id</c>).</summary>
    public IdempotencyKeySource? IdempotencyKey { get; init; }

    /// <summary>When set, a request must carry <c>sha256=HEX(HMAC-SHA256(secret, raw body))</c> in this header.</summary>
    public string? SignatureHeader { get; init; }
}

/// <summary>
/// <c>interval</c> (every <see cref="EverySeconds"/> from <see cref="Anchor"/>, default the Unix epoch) or <c>cron</c>
/// (5 or 6 fields, in the IANA <see cref="TimeZone"/>). <see cref="Misfire"/>: <c>coalesce</c> (default: fire times
/// missed while nothing ran become one run) or <c>skip</c> (missed fire times are dropped).
/// </summary>
public sealed class ScheduleDefinition
{
    public string Kind { get; init; } = "interval";

    public int? EverySeconds { get; init; }

    public DateTimeOffset? Anchor { get; init; }

    public string? Cron { get; init; }

    public string TimeZone { get; init; } = "UTC";

    public string Misfire { get; init; } = "coalesce";
}

public sealed class IdempotencyKeySource
{
    public string? Header { get; init; }

    public string? JsonPath { get; init; }
}

public sealed class FlowSettings
{
    /// <summary>Runs of this flow executing at once across all workers; 1 makes the flow sequential.</summary>
    public int? Concurrency { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>A second limit per value of a template over the trigger (a customer id): runs with the same value share it.</summary>
    public ConcurrencyKey? ConcurrencyKey { get; init; }
}

/// <summary><c>{ "value": "{{trigger.body.customerId}}", "limit": 1 }</c>; a limit of 1 makes each key sequential.</summary>
public sealed class ConcurrencyKey
{
    public string Value { get; init; } = "";

    public int Limit { get; init; } = 1;
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HttpStep), "http")]
[JsonDerivedType(typeof(CodeStep), "code")]
[JsonDerivedType(typeof(RouterStep), "router")]
[JsonDerivedType(typeof(LoopStep), "loop")]
[JsonDerivedType(typeof(DelayStep), "delay")]
[JsonDerivedType(typeof(RespondStep), "respond")]
[JsonDerivedType(typeof(WaitForWebhookStep), "wait-for-webhook")]
public abstract class Step
{
    public static readonly string[] Types = ["http", "code", "router", "loop", "delay", "respond", "wait-for-webhook"];

    public string Name { get; init; } = "";

    public string? DisplayName { get; init; }

    public bool ContinueOnFailure { get; init; }

    public bool RetryOnFailure { get; init; }

    public virtual IEnumerable<Step> SelfAndNested() => [this];
}

public sealed class HttpStep : Step
{
    public string Method { get; init; } = "GET";

    public string Url { get; init; } = "";

    public Dictionary<string, string>? Headers { get; init; }

    public JsonNode? Body { get; init; }

    public int? TimeoutSeconds { get; init; }
}

/// <summary>JavaScript run as a function body with <c>input</c> in scope; its return value is the step's output.</summary>
public sealed class CodeStep : Step
{
    public string Source { get; init; } = "";

    public JsonNode? Input { get; init; }
}

public sealed class RouterStep : Step
{
    /// <summary><c>firstMatch</c> (EXECUTE_FIRST_MATCH) or <c>allMatch</c> (EXECUTE_ALL_MATCH).</summary>
    public string Mode { get; init; } = "firstMatch";

    public List<RouterBranch> Branches { get; init; } = [];

    public override IEnumerable<Step> SelfAndNested() =>
        base.SelfAndNested().Concat(Branches.SelectMany(b => b.Steps).SelectMany(s => s.SelfAndNested()));
}

public sealed class RouterBranch
{
    public string Name { get; init; } = "";

    /// <summary>An OR of AND-groups; ignored for the fallback branch, which runs when no other matched.</summary>
    public List<List<Condition>> Conditions { get; init; } = [];

    public bool Fallback { get; init; }

    public List<Step> Steps { get; init; } = [];
}

public sealed class Condition
{
    public JsonNode? Left { get; init; }

    public string Operator { get; init; } = "";

    public JsonNode? Right { get; init; }
}

/// <summary>Runs its steps once per item; inside, <c>{{loopName.item}}</c> and <c>{{loopName.index}}</c>.</summary>
public sealed class LoopStep : Step
{
    public JsonNode? Items { get; init; }

    public List<Step> Steps { get; init; } = [];

    public override IEnumerable<Step> SelfAndNested() => base.SelfAndNested().Concat(Steps.SelectMany(s => s.SelfAndNested()));
}

public sealed class DelayStep : Step
{
    public double Seconds { get; init; }
}

/// <summary>The reply a sync webhook returns; in an async run it is only logged.</summary>
public sealed class RespondStep : Step
{
    public int Status { get; init; } = 200;

    public JsonNode? Body { get; init; }

    public Dictionary<string, string>? Headers { get; init; }
}

/// <summary>
/// Pauses the run until its resume URL (<c>{{waitpoints.name.resumeUrl}}</c>, known to earlier steps) is called; the
/// request (<c>method, headers, query, body</c>) becomes the output. Past <see cref="TimeoutSeconds"/> the step fails.
/// </summary>
public sealed class WaitForWebhookStep : Step
{
    public const int DefaultTimeoutSeconds = 30 * 24 * 3600;

    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;
}
