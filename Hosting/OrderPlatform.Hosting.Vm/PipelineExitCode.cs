using Aspire.Hosting.Publishing;

namespace Aspire.Hosting.Vm;

/// <summary>
/// Makes a failed publish visible to scripts under plain <c>dotnet run</c>. Aspire 13.6 logs a failing pipeline and
/// stops the host, but the process exits 0 unless the Aspire CLI drives it (<c>aspire do</c> reports the failure
/// itself). Aspire raises <see cref="BeforePublishEvent"/> before it runs the pipeline and
/// <see cref="AfterPublishEvent"/> only once every step has succeeded; in between the exit code is 1, so any failure
/// (a step throwing, an unknown <c>--step</c>, a cancelled run) leaves it there.
/// </summary>
/// <remarks>
/// <see cref="Environment.ExitCode"/> is the exit code of an AppHost whose <c>Main</c> returns void, as top-level
/// <c>builder.Build().Run()</c> does; a <c>Main</c> returning an int decides for itself.
/// </remarks>
internal static class PipelineExitCode
{
    public const int Failed = 1;

    public static void Register(IDistributedApplicationBuilder builder)
    {
        var before = 0;
        builder.Eventing.Subscribe<BeforePublishEvent>((_, _) =>
        {
            before = Environment.ExitCode;
            Environment.ExitCode = Failed;
            return Task.CompletedTask;
        });
        builder.Eventing.Subscribe<AfterPublishEvent>((_, _) =>
        {
            Environment.ExitCode = before;
            return Task.CompletedTask;
        });
    }
}
