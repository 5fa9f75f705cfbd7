using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Workers;

/// <summary>
/// Applies <c>FlowRunner:ProcessPriority</c> at start. Where worker replicas share cores with the replica that takes
/// webhooks (the VM bundle, a single host), <c>BelowNormal</c> (nice 10 on Linux) or <c>Idle</c> on the workers lets
/// the ingest replica answer first while runs wait their turn in the queue, which is durable. Only lowering is
/// accepted: raising needs privileges a service should not have.
/// </summary>
public sealed class ProcessPriority(IOptions<FlowRunnerOptions> options, ILogger<ProcessPriority> logger) : IHostedService
{
    public static readonly ProcessPriorityClass[] Allowed = [ProcessPriorityClass.Normal, ProcessPriorityClass.BelowNormal, ProcessPriorityClass.Idle];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var wanted = options.Value.ProcessPriority;
        if (wanted != ProcessPriorityClass.Normal)
        {
            using var self = Process.GetCurrentProcess();
            self.PriorityClass = wanted;
            logger.LogInformation("Process priority set to {Priority}.", wanted);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
