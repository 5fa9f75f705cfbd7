using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using Aspire.Hosting.Temporal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Temporalio.Client;

namespace Aspire.Hosting;

/// <summary>Temporal verbs (names as in temporalio/samples-dotnet's Aspire integration).</summary>
public static class TemporalBuilderExtensions
{
    /// <summary>The auto-setup image tag written to manifests.</summary>
    public const string AutoSetupTag = "1.29.1";

    /// <summary>How long a health check keeps asking until the server's first answer (see <see cref="CheckAsync"/>).</summary>
    private static readonly TimeSpan FirstAnswerWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds a Temporal server with the given namespaces (default <c>order-processing</c>); health is a GetSystemInfo
    /// call. Locally DCP runs the <c>temporal</c> CLI's dev server when it is on PATH, else the embedded server
    /// (state in the AppHost's data folder for F5, in memory for tests); the <c>ui</c> endpoint exists only with the
    /// CLI, as the embedded server has no UI.
    /// </summary>
    public static IResourceBuilder<TemporalServerResource> AddTemporal(this IDistributedApplicationBuilder builder, [ResourceName] string name, params string[] namespaces)
    {
        var cli = Binaries.Find("temporal");
        var embedded = typeof(OrderPlatform.TemporalDev.TemporalDevServer).Assembly.Location;
        var temporal = new TemporalServerResource(name, cli ?? Binaries.DotnetHost(), namespaces.Length > 0 ? namespaces : ["order-processing"]);
        var healthCheckKey = $"{name}_check";
        var answered = new StrongBox<bool>();
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, ct => CheckAsync(temporal, answered, ct));
        var rb = builder.AddResource(temporal)
            .WithIconName("Flow")
            .WithHealthCheck(healthCheckKey);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return rb.WithEndpoint(TemporalServerResource.GrpcEndpointName, e => { e.UriScheme = "http"; e.Transport = "http2"; e.TargetPort = 7233; }, createIfNotExists: true)
                .WithManifestPublishingCallback(ctx => WriteAutoSetupAsync(ctx, temporal));
        }
        var options = builder.GetLocalProcessOptions();
        rb.WithEndpoint(TemporalServerResource.GrpcEndpointName, e => { e.UriScheme = "http"; e.Transport = "http2"; e.IsProxied = false; }, createIfNotExists: true)
            .WithArgs([.. cli is null ? [embedded] : Array.Empty<string>(), "server", "start-dev", "--ip", "127.0.0.1",
                "--port", temporal.GrpcEndpoint.Property(EndpointProperty.TargetPort),
                .. temporal.Namespaces.SelectMany(ns => new[] { "--namespace", ns }),
                .. cli is null ? ["--headless"] : new object[] { "--ui-port", new EndpointReference(temporal, TemporalServerResource.UiEndpointName).Property(EndpointProperty.TargetPort) }])
            .WithArgs(ctx =>
            {
                if (!options.Ephemeral)
                {
                    var folder = Path.Combine(options.DataDirectory, name);
                    Directory.CreateDirectory(folder);
                    ctx.Args.Add("--db-filename");
                    ctx.Args.Add(Path.Combine(folder, "temporal.db"));
                }
            });
        return cli is null ? rb : rb.WithHttpEndpoint(name: TemporalServerResource.UiEndpointName, isProxied: false);
    }

    /// <summary>Points the published auto-setup container at a Postgres server for its persistence.</summary>
    public static IResourceBuilder<TemporalServerResource> WithPostgres(this IResourceBuilder<TemporalServerResource> builder, IResourceBuilder<PostgresServerResource> postgres)
    {
        var pg = postgres.Resource;
        builder.WithRelationship(pg, "Persistence");
        return builder.WithEnvironment(ctx =>
        {
            if (ctx.ExecutionContext.IsPublishMode)
            {
                ctx.EnvironmentVariables["DB"] = "postgres12";
                ctx.EnvironmentVariables["DB_PORT"] = pg.PrimaryEndpoint.Property(EndpointProperty.Port);
                ctx.EnvironmentVariables["POSTGRES_SEEDS"] = pg.PrimaryEndpoint.Property(EndpointProperty.Host);
                ctx.EnvironmentVariables["POSTGRES_USER"] = pg.UserNameReference;
                ctx.EnvironmentVariables["POSTGRES_PWD"] = pg.PasswordParameter;
            }
        });
    }

    private static async Task WriteAutoSetupAsync(Publishing.ManifestPublishingContext context, TemporalServerResource temporal)
    {
        context.Writer.WriteString("type", "container.v0");
        context.WriteConnectionString(temporal);
        context.Writer.WriteString("image", $"docker.io/temporalio/auto-setup:{AutoSetupTag}");
        await context.WriteEnvironmentVariablesAsync(temporal).ConfigureAwait(false);
        context.WriteBindings(temporal);
    }

    /// <summary>
    /// GetSystemInfo. Aspire checks an unhealthy resource again after 1 s, then 2 s, 3 s…, and the server answers a
    /// moment after its process starts (when DCP reports it Running), so until its first answer a check asks again
    /// every 100 ms for up to <see cref="FirstAnswerWait"/>: WaitFor dependents (the Api, the Worker) then start when
    /// the server answers, not at Aspire's next try. Once it has answered, a check asks once.
    /// </summary>
    private static async Task<HealthCheckResult> CheckAsync(TemporalServerResource temporal, StrongBox<bool> answered, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await GetSystemInfoAsync(temporal, ct).ConfigureAwait(false);
            if (result.Status == HealthStatus.Healthy)
            {
                answered.Value = true;
                return result;
            }
            if (answered.Value || clock.Elapsed >= FirstAnswerWait)
            {
                return result;
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    private static async Task<HealthCheckResult> GetSystemInfoAsync(TemporalServerResource temporal, CancellationToken ct)
    {
        try
        {
            var target = await temporal.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
            var connection = await TemporalConnection.ConnectAsync(new TemporalConnectionOptions(target!)).ConfigureAwait(false);
            var info = await connection.WorkflowService.GetSystemInfoAsync(new(), new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"GetSystemInfo answered (server {info.ServerVersion})."));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"GetSystemInfo failed: {e.Message}");
        }
    }
}
