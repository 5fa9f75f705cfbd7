// The pipeline API (ASPIREPIPELINES001) is experimental in Aspire 13.6; it is the only way to add a publish step of our
// own. VmBundleStep.cs is the other place that uses it.
#pragma warning disable ASPIREPIPELINES001

using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Vm;

namespace Aspire.Hosting;

/// <summary>The single-VM deployment of the original design, as a step of Aspire's publishing pipeline.</summary>
public static class VmBundleBuilderExtensions
{
    /// <summary>The name of the pipeline step (<c>--step vm-bundle</c>, <c>aspire do vm-bundle</c>).</summary>
    public const string StepName = "vm-bundle";

    /// <summary>
    /// Adds the <c>vm-bundle</c> pipeline step, which writes the VM bundle into the output folder:
    /// <c>compose.yaml</c> (every resource as a container with a healthcheck, restart policy and log rotation; projects
    /// as <c>${REGISTRY:-localhost}/&lt;ContainerRepository&gt;:${TAG:-latest}</c>; only nginx publishes ports),
    /// <c>nginx.conf</c> (TLS and the routes of <see cref="VmBundleOptions.Routes"/>), <c>.env.template</c> (every
    /// parameter) and the systemd unit that runs it all. <c>infra/vm</c> provisions the VM that installs it.
    /// Run it with <c>dotnet run --project AppHost -- --operation publish --step vm-bundle --output-path DIR</c> or
    /// <c>aspire do vm-bundle -o DIR</c>. It also makes a failed publish exit 1 under plain <c>dotnet run</c>, where
    /// Aspire 13.6 would exit 0.
    /// </summary>
    public static IDistributedApplicationBuilder AddVmBundle(this IDistributedApplicationBuilder builder, Action<VmBundleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new VmBundleOptions();
        configure?.Invoke(options);
        builder.Pipeline.AddStep(new Pipelines.PipelineStep
        {
            Name = StepName,
            Description = "Writes the single-VM bundle: compose.yaml, nginx.conf, .env.template and the systemd unit.",
            Action = context => VmBundleStep.RunAsync(context, options, new AzureOnVm(options.AzuriteImage)),
        });
        PipelineExitCode.Register(builder);
        return builder;
    }

    /// <summary>
    /// Sets the Docker healthcheck the resource runs in the VM bundle: compose's <c>test</c>, <c>CMD</c> and arguments or
    /// <c>CMD-SHELL</c> and a command line, e.g. <c>WithVmHealthCheck("CMD-SHELL", "curl -fs http://127.0.0.1:8080/ || exit 1")</c>;
    /// see <see cref="VmHealthCheckAnnotation"/>.
    /// </summary>
    public static IResourceBuilder<T> WithVmHealthCheck<T>(this IResourceBuilder<T> builder, params string[] test) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (test.Length < 2 || test[0] is not ("CMD" or "CMD-SHELL"))
        {
            throw new ArgumentException("A healthcheck is [\"CMD\", program, args...] or [\"CMD-SHELL\", command].", nameof(test));
        }
        return builder.WithAnnotation(new VmHealthCheckAnnotation(test), ResourceAnnotationMutationBehavior.Replace);
    }
}
