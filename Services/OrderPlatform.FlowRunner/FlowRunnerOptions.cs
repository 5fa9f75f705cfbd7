using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.FlowRunner;

/// <summary>The FlowRunner's settings (section <c>FlowRunner</c>); the defaults mirror the limits in the spec.</summary>
public sealed class FlowRunnerOptions
{
    public const string Section = "FlowRunner";

    /// <summary>Keys accepted in <c>X-Api-Key</c>; the AppHost maps the api-key parameter to <c>FlowRunner:Keys:0</c>.</summary>
    [MinLength(1, ErrorMessage = "Set at least one key in FlowRunner:Keys (the AppHost maps the api-key parameter to FlowRunner:Keys:0).")]
    public string[] Keys { get; set; } = [];

    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Prefix of every Redis key, so two deployments (or two test hosts) can share one Redis.</summary>
    [Required]
    public string QueuePrefix { get; set; } = "flowrunner";

    /// <summary>
    /// This process's CPU priority: <c>Normal</c>, <c>BelowNormal</c> or <c>Idle</c>, e.g. below normal for worker
    /// replicas on the cores of the replica that takes webhooks (see <see cref="Workers.ProcessPriority"/>).
    /// </summary>
    [AllowedValues(System.Diagnostics.ProcessPriorityClass.Normal, System.Diagnostics.ProcessPriorityClass.BelowNormal, System.Diagnostics.ProcessPriorityClass.Idle)]
    public System.Diagnostics.ProcessPriorityClass ProcessPriority { get; set; } = System.Diagnostics.ProcessPriorityClass.Normal;

    /// <summary>Flow runs executed at once by this replica.</summary>
    [Range(0, 256)]
    public int WorkerConcurrency { get; set; } = 8;

    [Range(1L, 100L * 1024 * 1024)]
    public long WebhookBodyLimit { get; set; } = 25L * 1024 * 1024;

    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan FlowTimeout { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>How long a worker's claim on a run lasts without a heartbeat; the heartbeat runs every third of it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A queued run not picked up for this long is put on the queue again (an enqueue lost with Redis).</summary>
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest idle poll of an empty queue; an enqueue on this replica or a Pub/Sub wake ends it sooner.</summary>
    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Base of a step's retry backoff: attempt n waits 2^n times this (4, 8, 16 s by default).</summary>
    public TimeSpan StepRetryBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Parsed LOCKED flow versions kept in memory per process (webhooks and workers read them on every run).</summary>
    [Range(1, 1_000_000)]
    public int DefinitionCacheSize { get; set; } = 1000;

    /// <summary>
    /// Finished runs older than this are deleted with their offloaded blobs (payload, step outputs, resume bodies);
    /// zero keeps runs forever.
    /// </summary>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed runs-page sign-ins allowed per client address, and per presented key, in each <see cref="LoginFailureWindow"/>.</summary>
    [Range(1, 10_000)]
    public int LoginFailures { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How often each replica looks for due schedules.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>With misfire <c>skip</c>, a fire time later than this is dropped rather than run.</summary>
    public TimeSpan MisfireGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where this service is reached from outside (<c>https://flows.example.com</c>), for absolute resume URLs of
    /// wait-for-webhook steps; without it they are paths (<c>/api/v1/flow-runs/...</c>).
    /// </summary>
    public Uri? PublicUrl { get; set; }

    public Connections.ConnectionsOptions Connections { get; set; } = new();

    public Blobs.BlobOptions Blobs { get; set; } = new();

    public CodeLimits Code { get; set; } = new();

    public HttpStepOptions Http { get; set; } = new();
}

/// <summary>Limits of one Code step's JavaScript engine.</summary>
public sealed class CodeLimits
{
    [Range(1L, 1024L * 1024 * 1024)]
    public long MemoryBytes { get; set; } = 128L * 1024 * 1024;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 1_000_000_000)]
    public int MaxStatements { get; set; } = 10_000_000;

    [Range(1, 10_000)]
    public int MaxRecursion { get; set; } = 256;
}

/// <summary>The http step's defaults and its SSRF allow-list.</summary>
public sealed class HttpStepOptions
{
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Private, loopback and link-local targets these entries name are allowed: a host name (<c>api</c>), an address
    /// or a CIDR block (<c>10.1.0.0/16</c>). Everything else in those ranges is refused.
    /// </summary>
    public string[] AllowedPrivateTargets { get; set; } = [];

    [Range(1, 100L * 1024 * 1024)]
    public long MaxResponseBytes { get; set; } = 5L * 1024 * 1024;
}
