using System.Net;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>Entra-issued tokens (Emulator, Playground with credentials): no serviceurl or endorsement, but tid and caller checks.</summary>
public sealed class EntraTokenTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private const string BotServiceTenant = "d6d49420-f39b-4df7-a1dc-d59a935871db";
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Theory]
    [InlineData("https://sts.windows.net/" + BotServiceTenant + "/", BotServiceTenant, "appid")]
    [InlineData("https://login.microsoftonline.com/" + BotServiceTenant + "/v2.0", BotServiceTenant, "azp")]
    [InlineData("https://login.microsoftonline.com/" + BotApp.TenantId + "/v2.0", BotApp.TenantId, "azp")]
    public async Task ATokenTheBotMintedForItselfIsAccepted(string issuer, string tenant, string callerClaim)
    {
        var token = _connector.MintToken(issuer: issuer, claims: new Dictionary<string, object>
        {
            ["tid"] = tenant,
            [callerClaim] = BotApp.AppId,
        });

        using var response = await _bot.PostActivityAsync(Activity(), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnotherAppInAnAcceptedTenantIsRefused()
    {
        var token = _connector.MintToken(issuer: $"https://login.microsoftonline.com/{BotApp.TenantId}/v2.0", claims: new Dictionary<string, object>
        {
            ["tid"] = BotApp.TenantId,
            ["azp"] = "some-other-app",
        });

        using var response = await _bot.PostActivityAsync(Activity(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ATenantClaimThatDoesNotMatchTheIssuerIsRefused()
    {
        var token = _connector.MintToken(issuer: $"https://login.microsoftonline.com/{BotApp.TenantId}/v2.0", claims: new Dictionary<string, object>
        {
            ["tid"] = BotServiceTenant,
            ["azp"] = BotApp.AppId,
        });

        using var response = await _bot.PostActivityAsync(Activity(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private System.Text.Json.Nodes.JsonObject Activity() =>
        TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");
}
