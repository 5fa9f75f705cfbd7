using System.Text;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Publishing.Vm;

/// <summary>
/// <c>--publisher vm --output-path DIR</c>: the single-VM bundle of the original deployment. <c>compose.yaml</c>
/// runs every resource as a container behind nginx (the only service publishing ports), <c>nginx.conf</c>
/// terminates TLS, <c>.env.template</c> lists every parameter, and <c>orderplatform.service</c> runs the compose
/// project under systemd. <c>infra/vm</c> provisions the VM whose cloud-init installs this bundle. Starts nothing.
/// </summary>
public sealed class VmPublisher : IDistributedApplicationPublisher
{
    /// <summary>Where cloud-init and the unit expect the bundle on the VM.</summary>
    public const string InstallDirectory = "/opt/orderplatform";

    /// <summary>Image of the edge proxy.</summary>
    public const string NginxImage = "docker.io/library/nginx:1.29-alpine";

    /// <summary>Image of the Temporal web UI (added when the model has a <c>temporal</c> resource).</summary>
    public const string TemporalUiImage = "docker.io/temporalio/ui:2.34.0";

    /// <inheritdoc />
    public async Task PublishAsync(DistributedApplicationPublishContext context, CancellationToken cancellationToken)
    {
        var output = context.OutputPath;
        if (output.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
        {
            throw new DistributedApplicationException($"--publisher vm writes a bundle of files: --output-path must be a folder (got {output}).");
        }
        Directory.CreateDirectory(output);
        var model = context.Builder.Resources.ToList();
        var services = await ComposeFile.BuildServicesAsync(model, context.Builder.ExecutionContext).ConfigureAwait(false);
        var routes = NginxConfig.Routes(model);
        if (model.Any(r => r.Name == NginxConfig.TemporalResource && !r.Annotations.OfKind<ManifestExclusionAnnotation>().Any()))
        {
            services.Add(new ComposeService("temporal-ui", TemporalUiImage)
            {
                Environment = new Dictionary<string, string>
                {
                    ["TEMPORAL_ADDRESS"] = $"{NginxConfig.TemporalResource}:7233",
                    ["TEMPORAL_UI_PUBLIC_PATH"] = "/temporal",
                },
                HealthCheck = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/temporal/ || exit 1"],
                DependsOn = [NginxConfig.TemporalResource],
            });
        }
        services.Add(new ComposeService("nginx", NginxImage)
        {
            Ports = ["80:80", "443:443"],
            Volumes = ["./nginx.conf:/etc/nginx/nginx.conf:ro", "./htpasswd:/etc/nginx/htpasswd:ro", "/etc/letsencrypt:/etc/letsencrypt:ro", "/var/www/certbot:/var/www/certbot:ro"],
            HealthCheck = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/healthz || exit 1"],
            DependsOn = [.. routes.Select(r => r.Service).Distinct()],
        });

        await Write("compose.yaml", ComposeFile.ToYaml(services)).ConfigureAwait(false);
        await Write("nginx.conf", NginxConfig.Render(routes)).ConfigureAwait(false);
        await Write(".env.template", EnvTemplate(model)).ConfigureAwait(false);
        await Write("orderplatform.service", SystemdUnit).ConfigureAwait(false);
        Console.WriteLine($"Published VM bundle to: {output}");

        Task Write(string name, string text) => File.WriteAllTextAsync(Path.Combine(output, name), text, cancellationToken);
    }

    /// <summary>Every parameter (secrets first-class), plus what the bundle itself needs.</summary>
    internal static string EnvTemplate(IReadOnlyList<IResource> model)
    {
        var sb = new StringBuilder();
        sb.Append("# Copy to .env next to compose.yaml (chmod 600). Values here are read by docker compose and the unit.\n");
        sb.Append("# The VM's cloud-init fills generated secrets; others come from Key Vault or the operator.\n\n");
        sb.Append("# Host name the certificate is issued for, and the ACME account e-mail.\nDOMAIN=\nACME_EMAIL=\n");
        sb.Append("# Registry and tag of the images built with dotnet publish /t:PublishContainer.\nREGISTRY=\nTAG=latest\n\n");
        var parameters = model.OfType<ParameterResource>()
            .Concat(model.OfType<ConnectionStringParameterResource>().Select(c => c.Parameter))
            .Concat(model.OfType<PostgresServerResource>().Select(p => p.Password))
            .Concat(model.OfType<RedisResource>().Select(r => r.Password))
            .DistinctBy(p => p.Name);
        foreach (var p in parameters)
        {
            var how = p switch
            {
                { Generate: { } g } => $"secret, generate: openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c {Math.Max(g.MinLength, 32)}",
                { Secret: true, Optional: true } => "secret, optional",
                { Secret: true } => "secret, required",
                { DefaultValue: { } d } => $"default: {d}",
                _ => "required",
            };
            sb.Append($"# {p.Name} ({how})\n{ComposeValues.Variable(p.Name)}={(p.Secret ? "" : p.DefaultValue ?? "")}\n");
        }
        if (model.OfType<AzureStorageResource>().Any())
        {
            sb.Append($"# Azurite account key (secret, generate: openssl rand -base64 64 | tr -d '\\n')\n{ComposeValues.StorageKeyVariable}=\n");
        }
        if (model.OfType<AzureKeyVaultResource>().Any())
        {
            sb.Append("# The VM's Key Vault URI (output keyVaultUri of infra/vm)\nKEYVAULT_URI=\n");
        }
        return sb.ToString();
    }

    /// <summary>Runs the compose project; gets the first certificate before nginx needs it.</summary>
    internal const string SystemdUnit = $$"""
        [Unit]
        Description=OrderPlatform (Docker Compose bundle)
        Requires=docker.service
        After=docker.service network-online.target
        Wants=network-online.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        WorkingDirectory={{InstallDirectory}}
        EnvironmentFile={{InstallDirectory}}/.env
        # nginx cannot start without a certificate: the first one is fetched standalone while port 80 is still free.
        ExecStartPre=/bin/sh -c 'test -f /etc/letsencrypt/live/orderplatform/fullchain.pem || certbot certonly --standalone --non-interactive --agree-tos -m "$ACME_EMAIL" -d "$DOMAIN" --cert-name orderplatform'
        ExecStart=/usr/bin/docker compose --project-directory {{InstallDirectory}} up --detach --remove-orphans --wait
        ExecReload=/usr/bin/docker compose --project-directory {{InstallDirectory}} up --detach --remove-orphans --wait
        ExecStop=/usr/bin/docker compose --project-directory {{InstallDirectory}} down
        TimeoutStartSec=900

        [Install]
        WantedBy=multi-user.target

        """;
}
