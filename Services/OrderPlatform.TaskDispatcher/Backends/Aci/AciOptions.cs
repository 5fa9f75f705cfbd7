using System.ComponentModel.DataAnnotations;

namespace OrderPlatform.TaskDispatcher.Backends.Aci;

/// <summary>The ACI target (section <c>TaskDispatch:Aci</c>, from the AppHost's <c>aci-*</c> parameters).</summary>
public sealed class AciOptions
{
    public const string Section = "TaskDispatch:Aci";

    [Required]
    public string SubscriptionId { get; set; } = "";

    [Required]
    public string ResourceGroup { get; set; } = "";

    [Required]
    public string Location { get; set; } = "";

    /// <summary>Resource id of the user-assigned identity the group runs as and pulls its image with (AcrPull).</summary>
    [Required]
    public string IdentityId { get; set; } = "";

    /// <summary>The registry server, such as <c>contoso.azurecr.io</c>.</summary>
    [Required]
    public string RegistryServer { get; set; } = "";

    public string Image { get; set; } = "orderplatform-taskworker:latest";

    [Range(0.1, 4)]
    public double Cpu { get; set; } = 1;

    [Range(0.1, 16)]
    public double MemoryInGb { get; set; } = 1.5;

    public string ApiVersion { get; set; } = "2025-09-01";

    /// <summary>ARM's endpoint; the tests point it at their fake.</summary>
    public Uri ManagementEndpoint { get; set; } = new("https://management.azure.com");

    /// <summary>Default quotas (spec §6): 100 creates per 5 minutes, 300 per hour, 100 Standard groups per region.</summary>
    [Range(1, 10_000)]
    public int CreatesPerFiveMinutes { get; set; } = 100;

    [Range(1, 10_000)]
    public int CreatesPerHour { get; set; } = 300;

    [Range(1, 10_000)]
    public int MaxLiveGroups { get; set; } = 100;

    /// <summary>Terminal groups older than this are orphans (their dispatcher died before deleting them).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OrphanAfter { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AsyncPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    internal string GroupsPath =>
        $"subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups";
}
