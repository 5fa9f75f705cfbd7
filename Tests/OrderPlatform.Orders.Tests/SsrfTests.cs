using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// A listener on 127.0.0.1 standing in for whatever an attacker wants the platform to fetch: it counts every request,
/// serves a "spreadsheet" at <c>/order.csv</c> and answers <c>/hop/{n}</c> with a redirect chain ending at the
/// instance metadata address.
/// </summary>
public sealed class Listener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private Listener(WebApplication app) => _app = app;

    public int Hits => _hits;

    public Uri Address { get; private set; } = null!;

    public static async Task<Listener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var listener = new Listener(builder.Build());
        listener._app.Use((HttpContext context, RequestDelegate _) =>
        {
            Interlocked.Increment(ref listener._hits);
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith("/hop/", StringComparison.Ordinal) && int.TryParse(path[5..], out var hop))
            {
                context.Response.Redirect(hop < 3 ? $"/hop/{hop + 1}" : "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("Art.-Nr.;Menge\nSECRET-FROM-LOOPBACK;1\n");
        });
        await listener._app.StartAsync(TestContext.Current.CancellationToken);
        listener.Address = new Uri(listener._app.Urls.First());
        return listener;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class SsrfTests(ApiFixture fixture, Infrastructure infrastructure) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Everything a start request may not name, for a case in <paramref name="tenant"/>.</summary>
    private IEnumerable<string> Attacks(Listener listener, string tenant)
    {
        var account = new BlobServiceClient(infrastructure.Blobs).Uri.AbsoluteUri.TrimEnd('/');
        return
        [
            new Uri(listener.Address, "/order.csv").AbsoluteUri,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            new Uri(listener.Address, "/hop/1").AbsoluteUri,
            "file:///etc/passwd",
            $"{account}/orders/tenant-someone-else/CASE-1/original.xlsx",
            $"{account}/inbox/{tenant}/order.xlsx",
            $"{account}/orders/{tenant}/../tenant-someone-else/CASE-1/original.xlsx",
            $"{account}/orders/{tenant}/%2e%2e/tenant-someone-else/original.xlsx",
            $"{account}/orders/{tenant}%2F..%2Ftenant-someone-else/original.xlsx",
            $"http://user:pass@{new Uri(account).Authority}/orders/{tenant}/order.xlsx",
        ];
    }

    [Fact]
    public async Task AStartRequestNamingAnythingButTheTenantsOwnBlobIsABadRequestAndNothingIsFetched()
    {
        await using var listener = await Listener.StartAsync();
        var http = fixture.Api.CreateAuthorizedClient();
        var tenant = $"tenant-{Guid.NewGuid():N}";
        foreach (var url in Attacks(listener, tenant))
        {
            var caseId = $"CASE-{Guid.NewGuid():N}";
            using var response = await http.PostAsJsonAsync("/api/workflow/start",
                new WorkflowStartRequest(caseId, url, tenant, "user-1", null), CaseJson.Options, Ct);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} answered {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(await fixture.Api.Cases.FindAsync(caseId, Ct));
        }

        Assert.Equal(0, listener.Hits);
    }

    [Fact]
    public async Task AWorkflowStartedDirectlyWithAForeignUrlFailsAtOnceWithoutFetchingIt()
    {
        await using var listener = await Listener.StartAsync();
        var tenant = $"tenant-{Guid.NewGuid():N}";
        foreach (var url in Attacks(listener, tenant).Take(3))
        {
            var caseId = $"CASE-{Guid.NewGuid():N}";
            await fixture.Worker.Cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = tenant, UserId = "user-1" },
                new CaseEventDraft("user-1", "receive", "started past the Api"), Ct);
            var handle = await infrastructure.Client.StartWorkflowAsync(OrderWorkflow.Name,
                [new OrderWorkflowInput(caseId, tenant, "user-1", url, "order.csv")], new WorkflowOptions(caseId, fixture.TaskQueue));

            var result = await handle.GetResultAsync<OrderWorkflowResult>();

            Assert.Equal(CaseStatus.Failed, result.Status);
            var stored = await fixture.Worker.Cases.FindAsync(caseId, Ct);
            Assert.Equal(CaseStatus.Failed, stored!.Status);
            Assert.DoesNotContain("SECRET-FROM-LOOPBACK", stored.Error ?? "");
            Assert.DoesNotContain("169.254", stored.Error ?? "");
            Assert.Equal(1, await StoreFileAttemptsAsync(handle));
        }

        Assert.Equal(0, listener.Hits);
    }

    private static async Task<int> StoreFileAttemptsAsync(WorkflowHandle handle)
    {
        var history = await handle.FetchHistoryAsync();
        var failed = history.Events.Single(e => e.ActivityTaskFailedEventAttributes is not null);
        var started = history.Events.Single(e => e.EventId == failed.ActivityTaskFailedEventAttributes.StartedEventId);
        Assert.True(failed.ActivityTaskFailedEventAttributes.Failure.ApplicationFailureInfo.NonRetryable, "store-file's failure must be non-retryable");
        return started.ActivityTaskStartedEventAttributes.Attempt;
    }
}
