using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Vm;

/// <summary><c>.env.template</c> and the systemd unit of the bundle.</summary>
internal static class BundleFiles
{
    /// <summary>
    /// Every parameter (those of the model, then the ones only referenced, such as generated passwords), plus what the
    /// bundle itself needs. Each <c>NAME=</c> line follows one comment line: cloud-init (<c>infra/vm</c>) fills a
    /// variable from Key Vault and generates it when that comment says <c>generate:</c>.
    /// </summary>
    public static string EnvTemplate(IEnumerable<ParameterResource> parameters, IEnumerable<string> extraEntries)
    {
        var sb = new StringBuilder();
        sb.Append("# Copy to .env next to compose.yaml (chmod 600). Values here are read by docker compose and the unit.\n");
        sb.Append("# The VM's cloud-init fills generated secrets; others come from Key Vault or the operator.\n\n");
        sb.Append("# Host name the certificate is issued for, and the ACME account e-mail.\nDOMAIN=\nACME_EMAIL=\n");
        sb.Append("# Registry and tag of the images built with dotnet publish /t:PublishContainer.\nREGISTRY=\nTAG=latest\n\n");
        foreach (var p in parameters.DistinctBy(p => p.Name))
        {
            var description = string.IsNullOrWhiteSpace(p.Description) ? "" : $": {p.Description.ReplaceLineEndings(" ")}";
            sb.Append($"# {p.Name} ({How(p)}){description}\n{ComposeValues.Variable(p.Name)}={Value(p)}\n");
        }
        foreach (var entry in extraEntries)
        {
            sb.Append(entry);
        }
        return sb.ToString();
    }

    private static string How(ParameterResource p) => p switch
    {
        { Default: GenerateParameterDefault g } =>
            $"{(p.Secret ? "secret, " : "")}generate: openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c {Math.Max(g.MinLength, 32)}",
        // Aspire has no optional parameters (nor secrets with a published default): the description says what empty means.
        { Secret: true } => "secret",
        { Default: not null } => $"default: {ConstantDefault(p)}",
        _ => "required",
    };

    // A secret's value never goes into the template; a plain parameter's default does.
    private static string Value(ParameterResource p) => p.Secret || p.Default is GenerateParameterDefault ? "" : ConstantDefault(p) ?? "";

    private static string? ConstantDefault(ParameterResource p) => p.Default is null or GenerateParameterDefault ? null : p.Default.GetDefaultValue();

    /// <summary>Runs the compose project; gets the first certificate before nginx needs it.</summary>
    public static string SystemdUnit(string installDirectory) => $$"""
        [Unit]
        Description=OrderPlatform (Docker Compose bundle)
        Requires=docker.service
        After=docker.service network-online.target
        Wants=network-online.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        WorkingDirectory={{installDirectory}}
        EnvironmentFile={{installDirectory}}/.env
        # Containers must not reach the cloud's instance metadata service (managed-identity tokens): Docker's DOCKER-USER
        # chain filters container traffic before Docker's own rules.
        ExecStartPre=/bin/sh -c 'iptables -C DOCKER-USER -d 169.254.169.254 -j REJECT 2>/dev/null || iptables -I DOCKER-USER -d 169.254.169.254 -j REJECT'
        # nginx cannot start without a certificate: the first one is fetched standalone while port 80 is still free.
        ExecStartPre=/bin/sh -c 'test -f {{NginxConfig.CertificateDirectory}}/fullchain.pem || certbot certonly --standalone --non-interactive --agree-tos -m "$ACME_EMAIL" -d "$DOMAIN" --cert-name orderplatform'
        ExecStart=/usr/bin/docker compose --project-directory {{installDirectory}} up --detach --remove-orphans --wait
        ExecReload=/usr/bin/docker compose --project-directory {{installDirectory}} up --detach --remove-orphans --wait
        ExecStop=/usr/bin/docker compose --project-directory {{installDirectory}} down
        TimeoutStartSec=900

        [Install]
        WantedBy=multi-user.target

        """;
}
