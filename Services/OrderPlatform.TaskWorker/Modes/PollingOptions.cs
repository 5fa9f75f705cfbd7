using System.ComponentModel.DataAnnotations;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Modes;

/// <summary>Polling mode (no <c>TASK_DATA</c>): the worker consumes queues itself, for development and the VPS path.</summary>
public sealed class PollingOptions
{
    public const string Section = "TaskWorker";

    /// <summary>Queues to consume; empty = every <c>*-tasks</c> queue of the account.</summary>
    public List<string> Queues { get; set; } = [];

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    public MessageEncoding MessageEncoding { get; set; } = MessageEncoding.Auto;
}
