using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>
/// Aspire checks an unhealthy resource again only after 1 s, then 2 s, 3 s… (ResourceHealthCheckService), and a
/// resource is ready a moment after it runs: a project answers /health about a second after DCP reports it Running.
/// So every resource's first healthy answer came up to a few seconds late, and each WaitFor in the chain (the
/// databases, then the projects) added that delay again. Here every health check of the AppHost, until its first
/// healthy answer, asks again every 100 ms within one call, for up to <see cref="FirstAnswerWait"/>; after that first
/// answer it asks once per call, so a resource that stops answering is reported at Aspire's next check.
/// </summary>
internal static class PromptHealthChecks
{
    /// <summary>How long one check keeps asking before its first healthy answer.</summary>
    internal static readonly TimeSpan FirstAnswerWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Wraps every health check registered on the builder, whoever registered it (Aspire's or ours).</summary>
    public static IDistributedApplicationBuilder CheckHealthPromptly(this IDistributedApplicationBuilder builder)
    {
        // PostConfigure: after every AddHealthChecks().Add(…) of the integrations, wherever they were called.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                // The factory runs for every check; whether the resource has answered outlives one instance.
                var inner = registration.Factory;
                var answered = new StrongBox<bool>();
                registration.Factory = services => new UntilFirstHealthy(inner(services), answered);
            }
        });
        return builder;
    }

    private sealed class UntilFirstHealthy(IHealthCheck inner, StrongBox<bool> answered) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var result = await CheckOnceAsync(context, cancellationToken).ConfigureAwait(false);
                if (result.Status != HealthStatus.Unhealthy)
                {
                    answered.Value = true;
                    return result;
                }
                if (answered.Value || clock.Elapsed + RetryInterval >= FirstAnswerWait)
                {
                    return result;
                }
                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        // As HealthCheckService reports a check that throws: Unhealthy with the exception (here, so the loop goes on).
        private async Task<HealthCheckResult> CheckOnceAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, e.Message, e);
            }
        }
    }
}
