// The pipeline API (ASPIREPIPELINES001) and its output folder (ASPIREPIPELINES004) are experimental in Aspire 13.6;
// they are the only way to add a publish step of our own, and this file is where we would follow their changes.
#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004

using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Vm;

/// <summary>
/// The <c>vm-bundle</c> step: writes <c>compose.yaml</c>, <c>nginx.conf</c>, <c>.env.template</c> and the systemd unit
/// into the pipeline's output folder. Starts nothing and needs no parameter values (they stay <c>${NAME}</c>).
/// </summary>
internal static class VmBundleStep
{
    public static async Task RunAsync(PipelineStepContext context, VmBundleOptions options, AzureOnVm azure)
    {
        var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        if (output.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
        {
            throw new DistributedApplicationException($"The VM bundle is a folder of files: --output-path must name a folder (got {output}).");
        }
        var model = context.Model.Resources.ToList();
        var compose = new ComposeModel(options, azure, context.ExecutionContext, context.Logger);
        var services = await compose.BuildAsync(model, context.CancellationToken).ConfigureAwait(false);
        var routes = options.Routes.Where(r => services.Any(s => s.Name == r.Service)).ToList();
        services.Add(Nginx(options, routes));

        var parameters = model.OfType<ParameterResource>().Concat(compose.Values.Parameters);
        var extra = AzureOnVm.EnvTemplate(model);
        Directory.CreateDirectory(output);
        await WriteAsync("compose.yaml", ComposeYaml.Write(options.ProjectName, services)).ConfigureAwait(false);
        await WriteAsync("nginx.conf", NginxConfig.Render(routes, options.MaxBodySize)).ConfigureAwait(false);
        await WriteAsync(".env.template", BundleFiles.EnvTemplate(parameters, extra)).ConfigureAwait(false);
        await WriteAsync($"{options.ProjectName}.service", BundleFiles.SystemdUnit(options.InstallDirectory)).ConfigureAwait(false);

        context.Logger.LogInformation("Published VM bundle to: {Output}", output);
        context.Summary.Add("VM bundle", output);

        Task WriteAsync(string name, string text) => File.WriteAllTextAsync(Path.Combine(output, name), text, context.CancellationToken);
    }

    private static ComposeService Nginx(VmBundleOptions options, IReadOnlyList<VmRoute> routes) => new("nginx", options.NginxImage)
    {
        Ports = ["80:80", "443:443"],
        Volumes = ["./nginx.conf:/etc/nginx/nginx.conf:ro", "./htpasswd:/etc/nginx/htpasswd:ro", "/etc/letsencrypt:/etc/letsencrypt:ro", "/var/www/certbot:/var/www/certbot:ro"],
        HealthCheck = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/healthz || exit 1"],
        DependsOn = [.. routes.Select(r => r.Service).Distinct(StringComparer.Ordinal).Select(s => new KeyValuePair<string, string>(s, "service_healthy"))],
    };
}
