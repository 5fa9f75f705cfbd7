using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The root sampler under <see cref="ParentBasedSampler"/>: a client span with no parent — a queue poll, a Redis
/// <c>EVAL</c> of an idle worker, a reaper's query — starts no trace, so background loops polling every few hundred
/// milliseconds do not bury the requests and runs in the dashboard (they made ~12,000 traces in two minutes). Work those
/// loops do under a span of their own (a run, a task) is traced with all its client calls, and every server span is.
/// </summary>
public sealed class NoRootClientSpansSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? Drop : Sample;
}
