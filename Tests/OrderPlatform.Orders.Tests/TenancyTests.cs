using System.Net;
using System.Net.Http.Json;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>Keys bound to tenants and scopes (Api:Clients): what one tenant's key can and cannot reach.</summary>
public sealed class TenancyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[] Order = Workbooks.Order("10234", "PO-T", Workbooks.KnownLines);

    [Fact]
    public async Task AKeyForTenantAGetsNotFoundForTenantBsCaseItsListAndItsSignals()
    {
        var tenantB = $"tenant-b-{Guid.NewGuid():N}";
        var caseB = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(fixture.Api.CreateAuthorizedClient(), Order, "order.xlsx", tenantB));
        var partner = fixture.Api.CreateAuthorizedClient(TestKeys.PartnerA);

        foreach (var path in new[] { $"/api/workflow/{caseB.CaseId}/status", $"/api/cases/{caseB.CaseId}/events", $"/api/cases?tenantId={tenantB}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync(path, Ct)).StatusCode);
        }

        using var signal = await partner.PostAsJsonAsync($"/api/workflow/{caseB.CaseId}/signal", new SignalRequest(SignalNames.Approve, "x"), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.NotFound, signal.StatusCode);
        using var cancel = await partner.PostAsJsonAsync($"/api/workflow/{caseB.CaseId}/cancel", new { userId = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);

        using var upload = await OrderClient.UploadAsync(partner, Order, "order.xlsx", tenantB);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        using var start = await partner.PostAsJsonAsync("/api/workflow/start",
            new WorkflowStartRequest($"CASE-{Guid.NewGuid():N}", "http://ignored.example/x.xlsx", tenantB, "u", null), CaseJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);

        var own = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(partner, Order, "order.xlsx", TestKeys.TenantA));
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync($"/api/workflow/{own.CaseId}/status", Ct)).StatusCode);
        var everything = await partner.GetFromJsonAsync<CasePage>("/api/cases?pageSize=200", CaseJson.Options, Ct);
        Assert.Contains(everything!.Items, c => c.Id == own.CaseId);
        Assert.All(everything.Items, c => Assert.Equal(TestKeys.TenantA, c.TenantId));

        // The case is still there for the key that may see it: the 404s were the tenant check, not a missing case.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Api.CreateAuthorizedClient().GetAsync($"/api/workflow/{caseB.CaseId}/status", Ct)).StatusCode);
    }

    [Fact]
    public async Task AStartRequestCannotTakeOverAnotherTenantsCaseId()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var bot = fixture.Api.CreateAuthorizedClient();
        var existing = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(bot, Order, "order.xlsx", tenant));
        var attacker = $"tenant-{Guid.NewGuid():N}";
        var account = new Azure.Storage.Blobs.BlobServiceClient(fixture.Infrastructure.Blobs).Uri.AbsoluteUri.TrimEnd('/');

        using var start = await bot.PostAsJsonAsync("/api/workflow/start",
            new WorkflowStartRequest(existing.CaseId, $"{account}/orders/{attacker}/x.xlsx", attacker, "u", null), CaseJson.Options, Ct);

        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.DoesNotContain(tenant, await start.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OnlyTheBotMayNameTheConversationResultsGoTo()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var conversation = new ConversationReference("https://smba.trafficmanager.net/emea/", "msteams", "a:attacker-chat", tenant, "29:attacker", null, "28:bot");

        var fromOther = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(fixture.Api.CreateAuthorizedClient(TestKeys.Other), Order,
            "order.xlsx", tenant, conversation: conversation));
        var fromBot = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(fixture.Api.CreateAuthorizedClient(), Order,
            "order.xlsx", tenant, conversation: conversation));

        Assert.Null((await fixture.Api.Cases.FindAsync(fromOther.CaseId, Ct))!.Conversation);
        Assert.Equal("a:attacker-chat", (await fixture.Api.Cases.FindAsync(fromBot.CaseId, Ct))!.Conversation!.ConversationId);
    }
}
