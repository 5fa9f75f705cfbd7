using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Zoho;

public sealed class ZohoDraftTests
{
    private static string CaseId() => $"CASE-{Guid.NewGuid():N}";

    [Fact]
    public async Task ADraftIsCreatedWithTheDocumentedRequestAfterOneTokenRefresh()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var caseId = CaseId();

        var result = await services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken);

        Assert.False(result.DryRun);
        Assert.False(result.Reused);
        Assert.Equal("draft", result.Status);
        Assert.Equal("SO-00001", result.SalesOrderNumber);
        Assert.Equal(1, fake.TokenRefreshes);
        Assert.Equal(1, fake.LookupCalls);
        var body = Assert.Single(fake.CreateBodies);
        Assert.Equal(caseId, body["reference_number"]!.GetValue<string>());
        Assert.Equal("460000000026049", body["customer_id"]!.GetValue<string>());
        Assert.Equal(4.50m, body["line_items"]![0]!["rate"]!.GetValue<decimal>());
        Assert.Equal(12m, body["line_items"]![0]!["quantity"]!.GetValue<decimal>());
        Assert.Null(body["status"]);
    }

    [Fact]
    public async Task ACaseRetriedByTheWorkflowReusesItsOrderInsteadOfCreatingASecond()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var drafts = services.GetRequiredService<ZohoDraftService>();
        var caseId = CaseId();

        var first = await drafts.CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken);
        var second = await drafts.CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken);

        Assert.True(second.Reused);
        Assert.Equal(first.SalesOrderId, second.SalesOrderId);
        Assert.Single(fake.Orders);
        Assert.Equal(1, fake.CreateCalls);
    }

    [Fact]
    public async Task ACreateThatTimesOutAfterLandingIsFoundByLookupAndNeverDuplicated()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        fake.DelayNextCreateResponse = TimeSpan.FromSeconds(3);
        await using var services = ZohoHarness.Services(fake, configure: s => s["Zoho:RequestTimeout"] = "00:00:00.500");
        var caseId = CaseId();

        var result = await services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken);

        Assert.True(result.Reused);
        Assert.Equal(caseId, Assert.Single(fake.Orders)["reference_number"]!.GetValue<string>());
        Assert.Equal(1, fake.CreateCalls);
        Assert.Equal(2, fake.LookupCalls);
    }

    [Fact]
    public async Task ACreateThatFailedWithAServerErrorIsSentAgainOnlyAfterAnEmptyLookup()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        fake.FailNextCreate(500, 1000, "Internal error");

        var result = await services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(ZohoHarness.Order(CaseId()), TestContext.Current.CancellationToken);

        Assert.False(result.Reused);
        Assert.Single(fake.Orders);
        Assert.Equal((2, 2), (fake.CreateCalls, fake.LookupCalls));
    }

    [Fact]
    public async Task TwoOrdersWithTheCaseReferenceAreReportedInsteadOfGuessingOne()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var caseId = CaseId();
        fake.Seed(caseId);
        fake.Seed(caseId);

        var error = await Assert.ThrowsAsync<ZohoException>(() =>
            services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken));

        Assert.Equal(ZohoErrorKind.DuplicateReference, error.Kind);
        Assert.False(error.IsRetryable);
        Assert.Equal(0, fake.CreateCalls);
    }

    [Fact]
    public async Task WithoutZohoCredentialsTheDraftIsADryRunThatReturnsTheWouldBeRequest()
    {
        await using var services = ZohoHarness.Services(null);
        var caseId = CaseId();

        var result = await services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(ZohoHarness.Order(caseId), TestContext.Current.CancellationToken);

        Assert.True(result.DryRun);
        Assert.Null(result.SalesOrderId);
        Assert.Equal(("POST", "/books/v3/salesorders"), (result.Method, result.Path));
        Assert.Contains($"\"reference_number\":\"{caseId}\"", result.RequestJson, StringComparison.Ordinal);
        Assert.Contains("\"line_items\":[{\"item_id\":\"460000000027009\",\"quantity\":12,\"rate\":4.50}]", result.RequestJson, StringComparison.Ordinal);
    }
}
