using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.Tests;

namespace OrderPlatform.AppHost.Tests;

/// <summary>The real AppHost through Aspire.Hosting.Testing: the whole graph up, then disposed without leftovers.</summary>
[Collection(FullApps.Name)]
public sealed class GraphTests
{
    [Fact]
    public async Task TheWholeGraphBecomesHealthyTheApiReportsItsDependenciesHealthyAndDisposingLeavesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = Owned().Select(p => p.Pid).ToHashSet();
        var portsBefore = ProcessTable.ListeningPorts([Environment.ProcessId]);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(ct);
        var withLifetime = builder.Resources.Where(HasLifetime).Select(r => r.Name).ToArray();
        // The taskworker is not among them: explicit start, the dispatcher runs it per task.
        Assert.Equal(15, withLifetime.Length);
        List<ProcessInfo> processes;
        HashSet<int> ports;
        var app = await TestApps.StartAsync(builder, withLifetime, ct, timeoutSeconds: 300);
        try
        {
            // /health answers on the Api's internal endpoint only (InternalEndpoints in the AppHost).
            using var http = app.CreateHttpClient("api", "internal");
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, body);
            using var health = JsonDocument.Parse(body);
            Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
            var entries = health.RootElement.GetProperty("entries").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetProperty("status").GetString());
            // Aspire.Npgsql's and Aspire.StackExchange.Redis's checks, ours for Blob/Queue, the Api's for Temporal.
            Assert.Equal(["PostgreSql", "StackExchange.Redis", "blobs", "queues", "self", "temporal"], entries.Keys.Order(StringComparer.Ordinal));
            Assert.All(entries, e => Assert.Equal("Healthy", e.Value));

            processes = [.. Owned().Where(p => !before.Contains(p.Pid))];
            ports = ProcessTable.ListeningPorts(processes.Select(p => p.Pid).Append(Environment.ProcessId));
            ports.ExceptWith(portsBefore);
            ProcessHygieneTests.AssertStartedTheBackingServices(processes, ports, "");
        }
        finally
        {
            await app.DisposeAsync();
        }

        var (left, took) = await AppHostProcess.WaitGoneAsync(processes, ports, TimeSpan.FromSeconds(10));
        TestContext.Current.TestOutputHelper?.WriteLine($"dispose: {processes.Count} processes, all gone after {took.TotalMilliseconds:F0} ms");
        Assert.True(left.Count == 0, "Still there 10 s after disposing the test app:" + Environment.NewLine + string.Join(Environment.NewLine, left));
    }

    // Everything this test process started: its descendants, and DCP's detached server watching it and what that runs.
    internal static List<ProcessInfo> Owned()
    {
        var self = Environment.ProcessId;
        var all = ProcessTable.Descendants(self);
        foreach (var dcp in ProcessTable.Watching(self))
        {
            all.Add(dcp);
            all.AddRange(ProcessTable.Descendants(dcp.Pid));
        }
        return [.. all.Distinct()];
    }

    private static bool HasLifetime(IResource resource) =>
        resource is not ParameterResource and not ConnectionStringResource and not IResourceWithoutLifetime
        && !resource.Annotations.OfType<ExplicitStartupAnnotation>().Any();
}
