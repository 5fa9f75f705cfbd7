using Microsoft.Extensions.DependencyInjection;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Zoho;

public sealed class ZohoClientTests
{
    [Fact]
    public async Task ConcurrentCallersShareOneTokenRefresh()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var client = services.GetRequiredService<ZohoBooksClient>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.FindSalesOrdersByReferenceAsync($"R-{i}", TestContext.Current.CancellationToken)));

        Assert.Equal(1, fake.TokenRefreshes);
        Assert.Equal(8, fake.LookupCalls);
    }

    [Fact]
    public async Task TheAccessTokenIsRefreshedShortlyBeforeItExpiresNotAfter()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var time = new ManualTime();
        await using var services = ZohoHarness.Services(fake, time: time);
        var client = services.GetRequiredService<ZohoBooksClient>();
        var ct = TestContext.Current.CancellationToken;

        await client.FindSalesOrdersByReferenceAsync("R", ct);
        time.Now += TimeSpan.FromMinutes(54);
        await client.FindSalesOrdersByReferenceAsync("R", ct);
        Assert.Equal(1, fake.TokenRefreshes);

        time.Now += TimeSpan.FromMinutes(2);
        await client.FindSalesOrdersByReferenceAsync("R", ct);
        Assert.Equal(2, fake.TokenRefreshes);
    }

    [Fact]
    public async Task ARejectedTokenIsRefreshedOnceAndTheCallRepeated()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var client = services.GetRequiredService<ZohoBooksClient>();
        await client.FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken);
        fake.RevokeTokens();

        await client.FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken);

        Assert.Equal(2, fake.TokenRefreshes);
    }

    [Theory]
    [InlineData(400, 1002, ZohoErrorKind.Validation, false)]
    [InlineData(401, 57, ZohoErrorKind.Unauthorized, false)]
    [InlineData(404, 5, ZohoErrorKind.NotFound, false)]
    [InlineData(405, 37, ZohoErrorKind.MethodNotAllowed, false)]
    [InlineData(429, 44, ZohoErrorKind.RateLimited, true)]
    [InlineData(500, 1000, ZohoErrorKind.ServerError, true)]
    public async Task ZohoErrorsBecomeTypedExceptionsThatSayWhetherToRetry(int status, int code, ZohoErrorKind kind, bool retryable)
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var client = services.GetRequiredService<ZohoBooksClient>();
        fake.FailNext(status, code, "Zoho says no");
        fake.FailNext(status, code, "Zoho says no");

        var error = await Assert.ThrowsAsync<ZohoException>(() => client.FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken));

        Assert.Equal((kind, retryable, status, code), (error.Kind, error.IsRetryable, error.HttpStatus!.Value, error.ZohoCode!.Value));
        Assert.Contains("Zoho says no", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCustomerIsAValidationErrorThatIsNeverRetried()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake);
        var request = ZohoHarness.Order($"CASE-{Guid.NewGuid():N}") with { LineItems = [] };

        var error = await Assert.ThrowsAsync<ZohoException>(() =>
            services.GetRequiredService<ZohoDraftService>().CreateDraftAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal(ZohoErrorKind.Validation, error.Kind);
        Assert.Equal(1, fake.CreateCalls);
    }

    [Fact]
    public async Task TheThrottleHoldsRequestsBeyondTheBudget()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        await using var services = ZohoHarness.Services(fake, configure: s => s["Zoho:RequestsPerMinute"] = "6");
        var client = services.GetRequiredService<ZohoBooksClient>();
        await client.FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken);
        using var soon = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        soon.CancelAfter(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FindSalesOrdersByReferenceAsync("R", soon.Token));

        Assert.Equal(1, fake.LookupCalls);
    }

    [Fact]
    public async Task SecretsNeverAppearInLogsOrErrorMessages()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var logs = new CapturingLogs();
        var messages = new List<string>();
        await using (var services = ZohoHarness.Services(fake, logs))
        {
            var drafts = services.GetRequiredService<ZohoDraftService>();
            await drafts.CreateDraftAsync(ZohoHarness.Order("CASE-secrets"), TestContext.Current.CancellationToken);
            fake.RevokeTokens();
            fake.FailNext(500, 1000, "Internal error");
            messages.Add((await Assert.ThrowsAsync<ZohoException>(() => services.GetRequiredService<ZohoBooksClient>()
                .FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken))).ToString());
        }

        await using (var badSecret = ZohoHarness.Services(fake, logs, configure: s => s["Zoho:ClientSecret"] = "wrong-secret-also-private"))
        {
            var error = await Assert.ThrowsAsync<ZohoException>(() => badSecret.GetRequiredService<ZohoBooksClient>()
                .FindSalesOrdersByReferenceAsync("R", TestContext.Current.CancellationToken));
            Assert.Equal(ZohoErrorKind.TokenRefreshFailed, error.Kind);
            messages.Add(error.ToString());
        }

        var everything = string.Join("\n", logs.Lines.Concat(messages));
        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { FakeZohoBooks.ClientSecret, FakeZohoBooks.RefreshToken, "wrong-secret-also-private", "1000.access-" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }
}
