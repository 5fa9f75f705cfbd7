using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Tracing;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>The host's own OpenTelemetry pipeline with an in-memory exporter: what a trace backend would receive.</summary>
public sealed class TraceTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private readonly SpanCollector _spans = new();
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await FlowRunnerHost.StartAsync(infrastructure, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)));

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AWebhooksTraceFollowsThroughTheQueueToEachStep()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Code("first", "return { a: 1 };"), Code("second", "return { b: input.a };", new JsonObject { ["a"] = "{{first.a}}" })));
        var upstream = ActivityTraceId.CreateRandom();
        var upstreamSpan = ActivitySpanId.CreateRandom();
        using var response = await ExternalPostAsync($"/api/v1/webhooks/{flowId}", $"00-{upstream}-{upstreamSpan}-01", JsonContent.Create(new { order = 7 }));
        var runId = Guid.Parse(response.Headers.GetValues("x-webhook-id").Single());
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId)).Status);

        Activity? request = null, run = null;
        Activity[] steps = [];
        // Spans are exported as they end; the run's ends just after its status is written.
        await Infrastructure.EventuallyAsync(() =>
        {
            var all = _spans.Snapshot();
            request = all.SingleOrDefault(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == $"/api/v1/webhooks/{flowId}");
            run = all.SingleOrDefault(a => a.Source.Name == RunTracing.SourceName && (string?)a.GetTagItem("flowrunner.run.id") == runId.ToString());
            steps = run is null ? [] : all.Where(a => a.Source.Name == RunTracing.SourceName && a.ParentSpanId == run.SpanId).OrderBy(a => a.StartTimeUtc).ToArray();
            return Task.FromResult(request is not null && run is not null && steps.Length == 2);
        }, () => $"the request, run and two step spans (have: request {request is not null}, run {run is not null}, {steps.Length} steps; {Describe(_spans.Snapshot())})", 15);

        Assert.Equal(upstream, request!.TraceId);
        Assert.Equal(upstreamSpan, request.ParentSpanId);
        Assert.Equal(request.TraceId, run!.TraceId);
        Assert.Equal(request.SpanId, run.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal(["step first", "step second"], steps.Select(s => s.DisplayName));
        Assert.All(steps, s => Assert.Equal(request.TraceId, s.TraceId));
        Assert.All(steps, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Fact]
    public async Task AFailedStepsSpanIsMarkedAsAnErrorInTheSameTrace()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Code("boom", "throw new Error('no');")));
        using var response = await ExternalPostAsync($"/api/v1/webhooks/{flowId}", null, null);
        var runId = Guid.Parse(response.Headers.GetValues("x-webhook-id").Single());
        Assert.Equal(RunStatus.Failed, (await _host.WaitForEndAsync(runId)).Status);

        Activity? step = null;
        await Infrastructure.EventuallyAsync(() =>
        {
            var all = _spans.Snapshot();
            var run = all.SingleOrDefault(a => (string?)a.GetTagItem("flowrunner.run.id") == runId.ToString());
            step = run is null ? null : all.SingleOrDefault(a => a.ParentSpanId == run.SpanId && a.DisplayName == "step boom");
            return Task.FromResult(step is not null);
        }, () => "the failed step's span", 15);

        var request = _spans.Snapshot().Single(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == $"/api/v1/webhooks/{flowId}");
        Assert.Equal(request.TraceId, step!.TraceId);
        Assert.Equal(ActivityStatusCode.Error, step.Status);
        Assert.NotNull(step.GetTagItem("error.type"));
    }

    /// <summary>
    /// A webhook from a system outside this process, optionally carrying its own <paramref name="traceParent"/>. The test's
    /// HttpClient is instrumented by the host's tracer (same process), which would send an unsampled traceparent of its
    /// own that the host's parent-based sampler honours by recording nothing; suppressing it sends the request as is.
    /// </summary>
    private async Task<HttpResponseMessage> ExternalPostAsync(string path, string? traceParent, HttpContent? content)
    {
        using var client = _host.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        using var suppressed = SuppressInstrumentationScope.Begin();
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static string Describe(Activity[] spans) =>
        $"{spans.Length} spans exported: " + string.Join(", ", spans.GroupBy(s => s.Source.Name).Select(g => $"{g.Key} × {g.Count()}"));

    /// <summary>The exporter adds from whichever thread ends a span; the test reads snapshots under the same lock.</summary>
    private sealed class SpanCollector : Collection<Activity>
    {
        private readonly Lock _gate = new();

        public Activity[] Snapshot()
        {
            lock (_gate)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
