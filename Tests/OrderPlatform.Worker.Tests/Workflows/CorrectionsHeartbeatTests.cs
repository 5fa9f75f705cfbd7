using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Committee;
using OrderPlatform.Worker.Workflows;
using Temporalio.Testing;

namespace OrderPlatform.Worker.Tests.Workflows;

/// <summary>
/// apply-corrections runs with resolve-items' options, heartbeat timeout included: while its work is slow (here a blob
/// store that accepts and never answers) it must keep beating, or Temporal times every attempt out.
/// </summary>
public sealed class CorrectionsHeartbeatTests
{
    [Fact]
    public async Task ApplyCorrectionsHeartbeatsWhileItsWorkIsSlow()
    {
        using var hangingStore = new TcpListener(IPAddress.Loopback, 0);
        hangingStore.Start(10);
        var blobs = new BlobServiceClient(new Uri($"http://127.0.0.1:{((IPEndPoint)hangingStore.LocalEndpoint).Port}/devstoreaccount1"),
            new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromMinutes(1) } });
        // Only the blob store is reached before the read that hangs; the other collaborators are never touched.
        var activities = new ReviewActivities(null!, null!, null!, null!, new OrderBlobs(blobs), Options.Create(new CommitteeOptions()), TimeProvider.System);
        var round = new CorrectionsRound("case-1", new BlobRef("t1/case-1/state-1.json", "0", 1), new SignalRequest("corrections", "u1"),
            new MappingBasis("Sheet1", 1, "f", new Dictionary<string, string>(), new Dictionary<string, string>(), null), Approved: false, 0.8);
        var beats = 0;
        var environment = new ActivityEnvironment
        {
            Info = ActivityEnvironment.DefaultInfo with { HeartbeatTimeout = TimeSpan.FromMilliseconds(400) },
            Heartbeater = _ => Interlocked.Increment(ref beats),
        };

        var running = environment.RunAsync(() => activities.ApplyCorrectionsAsync(round));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref beats) < 3 && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        environment.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(() => running);
        Assert.True(beats >= 3, $"{beats} heartbeats in the time of several heartbeat timeouts");
    }
}
