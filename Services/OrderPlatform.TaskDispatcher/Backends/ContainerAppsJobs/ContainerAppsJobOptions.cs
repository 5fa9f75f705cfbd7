using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;

/// <summary>
/// The Container Apps Jobs target (section <c>TaskDispatch:ContainerAppsJob</c>): one Manual-trigger job whose
/// executions are the runs. Validated at start, so a missing or malformed setting names itself before any message is taken.
/// </summary>
public sealed class ContainerAppsJobOptions
{
    public const string Section = "TaskDispatch:ContainerAppsJob";

    [Required(ErrorMessage = "TaskDispatch:ContainerAppsJob:SubscriptionId is required.")]
    public string SubscriptionId { get; set; } = "";

    [Required(ErrorMessage = "TaskDispatch:ContainerAppsJob:ResourceGroup is required.")]
    public string ResourceGroup { get; set; } = "";

    /// <summary>Container Apps job names: lowercase letters, digits and single hyphens, starting with a letter, under 32 characters.</summary>
    [Required(ErrorMessage = "TaskDispatch:ContainerAppsJob:JobName is required.")]
    [RegularExpression("^(?=.{2,31}$)[a-z](-?[a-z0-9])*$",
        ErrorMessage = "TaskDispatch:ContainerAppsJob:JobName must be 2–31 lowercase letters, digits or single hyphens, starting with a letter and ending with a letter or digit.")]
    public string JobName { get; set; } = "orderplatform-tasks";

    /// <summary>
    /// Create the job when it does not exist (then <see cref="Location"/>, <see cref="EnvironmentId"/>,
    /// <see cref="IdentityId"/> and <see cref="RegistryServer"/> are needed); false when infra (Bicep) owns it.
    /// An existing job is always reused as it is, never PUT over.
    /// </summary>
    public bool CreateJob { get; set; } = true;

    public string? Location { get; set; }

    /// <summary>The managed environment's resource id (<c>/subscriptions/…/providers/Microsoft.App/managedEnvironments/…</c>).</summary>
    [RegularExpression("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.App/managedEnvironments/[^/]+$",
        ErrorMessage = "TaskDispatch:ContainerAppsJob:EnvironmentId must be a managed environment's resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.App/managedEnvironments/…).")]
    public string? EnvironmentId { get; set; }

    /// <summary>Resource id of the user-assigned identity the job runs as and pulls its image with (AcrPull).</summary>
    public string? IdentityId { get; set; }

    /// <summary>The registry server, such as <c>contoso.azurecr.io</c>.</summary>
    public string? RegistryServer { get; set; }

    public string Image { get; set; } = "orderplatform-taskworker:latest";

    /// <summary>Consumption profile pairs (0.25 vCPU / 0.5 Gi … 4 / 8): memory is twice the CPU.</summary>
    [Range(0.25, 4, ErrorMessage = "TaskDispatch:ContainerAppsJob:Cpu must be between 0.25 and 4.")]
    public double Cpu { get; set; } = 0.5;

    [Range(0.5, 8, ErrorMessage = "TaskDispatch:ContainerAppsJob:MemoryInGi must be between 0.5 and 8.")]
    public double MemoryInGi { get; set; } = 1;

    /// <summary>The job's own replica timeout: a backstop above the dispatcher's task timeout, which stops runaways first.</summary>
    [Range(60, 86_400, ErrorMessage = "TaskDispatch:ContainerAppsJob:ReplicaTimeoutSeconds must be between 60 and 86400.")]
    public int ReplicaTimeoutSeconds { get; set; } = 3600;

    /// <summary>The .NET SDK's default (Azure.ResourceManager.AppContainers); the Learn reference also lists newer ones.</summary>
    [Required]
    public string ApiVersion { get; set; } = "2025-07-01";

    /// <summary>ARM's endpoint; the tests point it at their fake.</summary>
    public Uri ManagementEndpoint { get; set; } = new("https://management.azure.com");

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AsyncPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    internal string JobPath => $"subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.App/jobs/{JobName}";

    /// <summary>The settings a job creation needs, named when missing (DataAnnotations cannot say "required if").</summary>
    internal IEnumerable<string> MissingForCreate()
    {
        if (!CreateJob)
        {
            yield break;
        }

        foreach (var (name, value) in new[] { ("Location", Location), ("EnvironmentId", EnvironmentId), ("IdentityId", IdentityId), ("RegistryServer", RegistryServer) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"TaskDispatch:ContainerAppsJob:{name} is required when CreateJob is true.";
            }
        }
    }
}

/// <summary>Adds the "required when CreateJob" rules to the DataAnnotations ones, each failure naming its setting.</summary>
internal sealed class ContainerAppsJobOptionsValidator : IValidateOptions<ContainerAppsJobOptions>
{
    public ValidateOptionsResult Validate(string? name, ContainerAppsJobOptions options)
    {
        var missing = options.MissingForCreate().ToList();
        return missing.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(missing);
    }
}
