namespace Aspire.Hosting.Vm;

/// <summary>A path prefix nginx forwards to a compose service of the bundle.</summary>
/// <param name="Location">The nginx location prefix, e.g. <c>/api/</c> (nginx picks the longest matching prefix).</param>
/// <param name="Service">The compose service (a resource name, or <c>temporal-ui</c>) the requests go to.</param>
/// <param name="Port">The port the service listens on inside the compose network.</param>
/// <param name="BasicAuth">Whether nginx asks for the operators' password (<c>htpasswd</c> next to the bundle).</param>
/// <param name="RewriteTo">A prefix that replaces <paramref name="Location"/> before the request is forwarded.</param>
/// <param name="MaxBodySize">nginx's body limit for this route when it differs from <see cref="VmBundleOptions.MaxBodySize"/>.</param>
public sealed record VmRoute(string Location, string Service, int Port, bool BasicAuth = false, string? RewriteTo = null, string? MaxBodySize = null);

/// <summary>What the VM bundle writes besides what the app model says.</summary>
public sealed class VmBundleOptions
{
    /// <summary>The port the images built by <c>dotnet publish /t:PublishContainer</c> listen on (the SDK's default).</summary>
    public const int ProjectPort = 8080;

    /// <summary>The flow runner's webhook body limit (<c>FlowRunner:WebhookBodyLimit</c>).</summary>
    public const string WebhookBodySize = "25m";

    /// <summary>Gets or sets where cloud-init (<c>infra/vm</c>) unpacks the bundle and the systemd unit runs it.</summary>
    public string InstallDirectory { get; set; } = "/opt/orderplatform";

    /// <summary>Gets or sets the compose project name, also the name of the systemd unit file.</summary>
    public string ProjectName { get; set; } = "orderplatform";

    /// <summary>Gets or sets the image of the edge proxy, the only service that publishes ports.</summary>
    public string NginxImage { get; set; } = "docker.io/library/nginx:1.29-alpine";

    /// <summary>Gets or sets the image of the Temporal web UI, added for each Temporal server of the model.</summary>
    public string TemporalUiImage { get; set; } = "docker.io/temporalio/ui:2.34.0";

    /// <summary>Gets or sets the Azurite image that stands in for Azure Storage (the version the repo installs from npm).</summary>
    public string AzuriteImage { get; set; } = "mcr.microsoft.com/azure-storage/azurite:3.37.0";

    /// <summary>
    /// Gets or sets nginx's request body limit: the Api's own upload limit (<c>Api:Upload:MaxFileBytes</c>, 20 MiB, plus
    /// 256 KiB for the multipart envelope), so nginx neither refuses a file the Api takes nor buffers one it refuses.
    /// </summary>
    public string MaxBodySize { get; set; } = "20736k";

    /// <summary>
    /// Gets the routes nginx serves over TLS. A route whose service is not in the bundle is left out, so the
    /// defaults (OrderPlatform's Api, Teams bot, flow runner webhooks and runs page, and the Temporal UI) fit any subset of them.
    /// </summary>
    public IList<VmRoute> Routes { get; } =
    [
        new("/api/", "api", ProjectPort),
        new("/api/messages", "teamsbot", ProjectPort),
        // The flow runner mounts its webhooks under /api/v1/webhooks; /webhooks/ is the short public form. Their limit
        // is the flow runner's own (FlowRunner:WebhookBodyLimit, 25 MiB), so its 413 is the one a caller sees.
        new("/api/v1/webhooks/", "flowrunner", ProjectPort, MaxBodySize: WebhookBodySize),
        new("/webhooks/", "flowrunner", ProjectPort, RewriteTo: "/api/v1/webhooks/", MaxBodySize: WebhookBodySize),
        // The flow runner's runs page, at the path it serves itself: its links, login redirect and cookie path are /ui.
        new("/ui/", "flowrunner", ProjectPort),
        new("/temporal/", "temporal-ui", 8080, BasicAuth: true),
    ];
}
