using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Mvc;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>The Api on Kestrel with a Worker on the same task queue (Zoho not configured: dry-run drafts).</summary>
public sealed class ApiFixture(Infrastructure infrastructure) : IAsyncLifetime
{
    public const long UploadLimit = 64 * 1024;

    public string TaskQueue { get; } = $"orders-api-{Guid.NewGuid():N}";

    public Infrastructure Infrastructure => infrastructure;

    public ApiHost Api { get; private set; } = null!;

    public WorkerHost Worker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Worker = new WorkerHost(infrastructure, TaskQueue, zoho: null);
        await Worker.StartAsync();
        Api = new ApiHost(infrastructure, TaskQueue, new Dictionary<string, string?> { ["Api:Upload:MaxFileBytes"] = UploadLimit.ToString() });
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Worker.DisposeAsync();
    }
}

public sealed class ApiTests(ApiFixture fixture, Infrastructure infrastructure) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Logs() => $"api:{Environment.NewLine}{fixture.Api.Logs.Text}{Environment.NewLine}worker:{Environment.NewLine}{fixture.Worker.Logs.Text}";

    private static string NewTenant() => $"tenant-{Guid.NewGuid():N}";

    [Fact]
    public async Task EveryRouteButHealthNeedsAnApiKeyAndRefusesWithProblemDetails()
    {
        var anonymous = fixture.Api.CreateHttpClient();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/cases"), (HttpMethod.Post, "/api/orders"), (HttpMethod.Get, "/api/workflow/x/status") })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(method, path), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var wrong = fixture.Api.CreateAuthorizedClient("not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/cases", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.CreateAuthorizedClient(TestKeys.Other).GetAsync("/api/cases", Ct)).StatusCode);

        using var health = await anonymous.GetAsync("/health", Ct);
        var body = await health.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Aspire's Npgsql and Redis integrations name their checks; the storage and Temporal ones carry the connection's name.
        foreach (var check in new[] { "PostgreSql", "StackExchange.Redis", "blobs", "queues", "temporal" })
        {
            Assert.Contains($"\"{check}\"", body);
        }

        Assert.DoesNotContain(TestKeys.Api, body);
    }

    [Fact]
    public async Task AnUploadIsAcceptedStoredAndProcessedToADryRunDraft()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var tenant = NewTenant();
        using var response = await OrderClient.UploadAsync(http, Workbooks.Order("10234", "PO-1", Workbooks.KnownLines), "Bestellung.xlsx", tenant);
        var accepted = await OrderClient.AcceptedAsync(response);

        Assert.Equal(CaseStatus.Received, accepted.Status);
        Assert.Equal($"/api/workflow/{accepted.CaseId}/status", response.Headers.Location?.OriginalString);
        var blob = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders").GetBlobClient($"{tenant}/{accepted.CaseId}/original.xlsx");
        Assert.True((await blob.ExistsAsync(Ct)).Value);

        var done = await OrderClient.WaitForStatusAsync(http, accepted.CaseId, CaseStatus.Completed, Logs);
        Assert.True(done.Case.Draft!.DryRun);
        Assert.Contains(TestCatalog.Customer, done.Case.Draft.RequestJson);
        Assert.Equal(TestCatalog.Customer, done.Case.Customer!.Match!.Id);
        Assert.Equal(64, done.Case.File!.Sha256!.Length);
        Assert.Null(done.Live);

        var events = await http.GetFromJsonAsync<List<CaseEvent>>($"/api/cases/{accepted.CaseId}/events", CaseJson.Options, Ct);
        var steps = events!.Select(e => e.Step).ToList();
        Assert.Equal(["receive", "store-file", "parse-excel", "run-committee", "resolve-customer", "resolve-items", "create-zoho-draft", "notify-user", "notify-user"],
            steps);
        Assert.Equal(CaseStatus.Completed, events![^1].To);

        var page = await http.GetFromJsonAsync<CasePage>($"/api/cases?tenantId={tenant}&status=Completed", CaseJson.Options, Ct);
        Assert.Equal(accepted.CaseId, Assert.Single(page!.Items).Id);
    }

    [Fact]
    public async Task RetryingAnUploadWithTheSameIdempotencyKeyReturnsTheSameCase()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var tenant = NewTenant();
        var file = Workbooks.Order("10234", "PO-2", Workbooks.KnownLines);
        var key = Guid.NewGuid().ToString();

        var first = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, file, "order.xlsx", tenant, key));
        var again = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, file, "order.xlsx", tenant, key));
        var other = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, file, "order.xlsx", tenant, Guid.NewGuid().ToString()));

        Assert.Equal(first.CaseId, again.CaseId);
        Assert.NotEqual(first.CaseId, other.CaseId);
        var page = await http.GetFromJsonAsync<CasePage>($"/api/cases?tenantId={tenant}", CaseJson.Options, Ct);
        Assert.Equal(2, page!.Total);
    }

    [Fact]
    public async Task AnUnknownSignalIsABadRequestAndAnUnknownCaseIsNotFound()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http,
            Workbooks.Order("10234", "PO-3", Workbooks.KnownLines), "order.xlsx", NewTenant()));

        using var unknown = await http.PostAsJsonAsync($"/api/workflow/{accepted.CaseId}/signal", new SignalRequest("explode", "user-1"), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var problem = await unknown.Content.ReadFromJsonAsync<ProblemDetails>(Ct);
        Assert.Equal("Unknown signal", problem!.Title);

        using var empty = await http.PostAsJsonAsync($"/api/workflow/{accepted.CaseId}/signal", new SignalRequest(SignalNames.Corrections, "user-1"), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        using var missing = await http.PostAsJsonAsync("/api/workflow/CASE-nope/signal", new SignalRequest(SignalNames.Approve, "user-1"), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/workflow/CASE-nope/status", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/cases/CASE-nope/events", Ct)).StatusCode);
    }

    [Fact]
    public async Task AnOversizedFileIsRefusedWith413ProblemDetails()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var big = new byte[ApiFixture.UploadLimit * 3];
        "PK\u0003\u0004"u8.CopyTo(big);

        using var response = await OrderClient.UploadAsync(http, big, "huge.xlsx", NewTenant());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Ct);
        Assert.Equal(413, problem!.Status);
        Assert.Contains("MB", problem.Detail);
    }

    [Fact]
    public async Task TheContentDecidesTheFormatNotTheExtension()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        using var html = await OrderClient.UploadAsync(http, Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>sign in</body></html>"), "order.xlsx", NewTenant());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, html.StatusCode);
        Assert.Contains("link, not the file", await html.Content.ReadAsStringAsync(Ct));

        using var exe = await OrderClient.UploadAsync(http, [0x4D, 0x5A, 0x90, 0x00], "order.xlsx", NewTenant());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, exe.StatusCode);

        var tenant = NewTenant();
        var csv = Encoding.UTF8.GetBytes("Kundennr.;10234\n\nArt.-Nr.;Bezeichnung;Menge;Preis\n4711-0032;Schraube M6x20 verzinkt, DIN 933;12;0,12\n");
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, csv, "export.csv", tenant));
        var blob = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders").GetBlobClient($"{tenant}/{accepted.CaseId}/original.csv");
        Assert.True((await blob.ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task TheOriginalStartShapeCopiesTheFileAndRunsTheCase()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var tenant = NewTenant();
        var caseId = $"CASE-{Guid.NewGuid():N}";
        var orders = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders");
        await orders.CreateIfNotExistsAsync(cancellationToken: Ct);
        var source = orders.GetBlobClient($"{tenant}/inbox/{caseId}/Bestellung.xlsx");
        await source.UploadAsync(new BinaryData(Workbooks.Order("10234", "PO-4", Workbooks.KnownLines)), Ct);

        var request = new WorkflowStartRequest(caseId, source.Uri.AbsoluteUri, tenant, "user-9", new TeamsReference("chat-1", "message-1", null));
        using var response = await http.PostAsJsonAsync("/api/workflow/start", request, CaseJson.Options, Ct);
        var accepted = await OrderClient.AcceptedAsync(response);
        Assert.Equal(caseId, accepted.CaseId);
        using var repeat = await http.PostAsJsonAsync("/api/workflow/start", request, CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);

        var done = await OrderClient.WaitForStatusAsync(http, caseId, CaseStatus.Completed, Logs);
        Assert.Equal($"orders/{tenant}/{caseId}/original.xlsx", done.Case.File!.BlobName);
        Assert.Equal("chat-1", done.Case.Teams!.ChatId);

        using var late = await http.PostAsJsonAsync($"/api/workflow/{caseId}/cancel", new { userId = "user-9" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }
    [Fact]
    public async Task AnUnsureUploadWaitsForAnswersAndTheCancelRouteEndsIt()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var file = Workbooks.Order("10234", "PO-5", [.. Workbooks.KnownLines, new("ZZ-404", "Sonderanfertigung Halter", 3, "Stk", 12.5m)]);
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, file, "order.xlsx", NewTenant()));

        var waiting = await OrderClient.WaitForStatusAsync(http, accepted.CaseId, CaseStatus.AwaitingCorrections, Logs);
        Assert.Equal(CaseStatus.AwaitingCorrections, waiting.Live?.Status);
        Assert.Equal(9, Assert.Single(waiting.Live!.Questions).RowNumber);
        Assert.NotNull(waiting.Case.CorrectionsDueAt);

        using var cancel = await http.PostAsJsonAsync($"/api/workflow/{accepted.CaseId}/cancel", new { userId = "user-1", reason = "duplicate" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await OrderClient.WaitForStatusAsync(http, accepted.CaseId, CaseStatus.Cancelled, Logs);
        Assert.Contains("duplicate", cancelled.Case.Error);
    }

    [Fact]
    public async Task ApprovingTakesTheBestCandidateAndCreatesTheDraft()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        // A mistyped code finds the cable only by the similarity of its description, so the workflow asks; approval accepts the proposal.
        var file = Workbooks.Order("10234", "PO-6", [.. Workbooks.KnownLines[..2], new("KAB-3X15X", "Kabel NYM-J 3x1,5 mm2", 25, "m", 0.89m)]);
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, file, "order.xlsx", NewTenant()));
        var waiting = await OrderClient.WaitForStatusAsync(http, accepted.CaseId, CaseStatus.AwaitingCorrections, Logs);
        Assert.Contains(TestCatalog.Cable, Assert.Single(waiting.Live!.Questions).Choices![0]);

        using var approve = await http.PostAsJsonAsync($"/api/workflow/{accepted.CaseId}/signal", new SignalRequest(SignalNames.Approve, "anna"), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);

        var done = await OrderClient.WaitForStatusAsync(http, accepted.CaseId, CaseStatus.Completed, Logs);
        Assert.Contains(TestCatalog.Cable, done.Case.Draft!.RequestJson);
        Assert.Equal("approved", done.Case.Lines![^1].Match!.MatchedBy);
    }
}
