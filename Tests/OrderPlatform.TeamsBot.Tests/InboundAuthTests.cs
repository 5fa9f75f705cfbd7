using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

public enum BadToken
{
    BadSignature,
    WrongAudience,
    WrongIssuer,
    Expired,
    MissingEndorsement,
    ServiceUrlMismatch,
    NoToken,
    SymmetricHs256,
    Garbage,
    CorruptJwt,
    RsaPss,
}

public sealed class InboundAuthTests(BotFixture fixture) : IClassFixture<BotFixture>
{
    private readonly FakeBotConnector _connector = fixture.Connector;
    private readonly BotApp _bot = fixture.Bot;

    [Fact]
    public async Task AValidBotServiceTokenIsAcceptedAndAnswered()
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId(), "help");

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _connector.WaitForCallAsync(c => c.Path.Contains(conversationId));
        Assert.Equal($"Bearer {FakeBotConnector.OutboundToken}", reply.Authorization);
        Assert.Contains("Excel", reply.Body!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnActivityFromATenantOutsideTheAllowListIsRefusedWithAValidToken()
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId(), "help");
        activity["channelData"]!["tenant"]!["id"] = "99999999-9999-9999-9999-999999999999";
        var counts = new Dictionary<string, long>();
        using var listener = _bot.ListenToAuthFailures(counts);

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        lock (counts)
        {
            Assert.Equal(1, counts.GetValueOrDefault("TenantNotAllowed"));
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(_connector.CallsFor(conversationId));
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    public async Task TheOtherRsaSignatureAlgorithmsAreAccepted(string algorithm)
    {
        var activity = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken(algorithm: algorithm));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ATokenExpiredWithinTheFiveMinuteSkewIsStillAccepted()
    {
        var activity = TestActivities.Message(_connector.ServiceUrl, TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken(expires: DateTime.UtcNow.AddMinutes(-3)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheServiceUrlClaimMatchesIgnoringCaseAndATrailingSlash()
    {
        var activity = TestActivities.Message(
            _connector.ServiceUrl.TrimEnd('/').ToUpperInvariant().Replace("HTTP://", "http://"),
            TestActivities.NewConversationId(), TestActivities.NewUserId(), "help");

        using var response = await _bot.PostActivityAsync(activity, _connector.MintToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(BadToken.BadSignature, "InvalidSignature")]
    [InlineData(BadToken.WrongAudience, "InvalidAudience")]
    [InlineData(BadToken.WrongIssuer, "InvalidIssuer")]
    [InlineData(BadToken.Expired, "Expired")]
    [InlineData(BadToken.MissingEndorsement, "MissingEndorsement")]
    [InlineData(BadToken.ServiceUrlMismatch, "ServiceUrlMismatch")]
    [InlineData(BadToken.NoToken, "MissingToken")]
    [InlineData(BadToken.SymmetricHs256, "InvalidAlgorithm")]
    [InlineData(BadToken.Garbage, "MalformedToken")]
    [InlineData(BadToken.CorruptJwt, "MalformedToken")]
    [InlineData(BadToken.RsaPss, "InvalidAlgorithm")]
    public async Task EveryFailedCheckIsABare401AndIsCounted(BadToken kind, string reason)
    {
        var conversationId = TestActivities.NewConversationId();
        var activity = TestActivities.Message(_connector.ServiceUrl, conversationId, TestActivities.NewUserId(), "help");
        var token = kind switch
        {
            BadToken.BadSignature => _connector.MintToken(key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = _connector.TeamsKey.KeyId }),
            BadToken.WrongAudience => _connector.MintToken(audience: "some-other-bot"),
            BadToken.WrongIssuer => _connector.MintToken(issuer: "https://sts.windows.net/99999999-9999-9999-9999-999999999999/",
                claims: new Dictionary<string, object> { ["tid"] = "99999999-9999-9999-9999-999999999999", ["azp"] = BotApp.AppId }),
            BadToken.Expired => _connector.MintToken(expires: DateTime.UtcNow.AddMinutes(-6)),
            BadToken.MissingEndorsement => _connector.MintToken(key: _connector.WebChatOnlyKey),
            BadToken.ServiceUrlMismatch => _connector.MintToken(serviceUrl: "https://smba.trafficmanager.net/emea/"),
            BadToken.SymmetricHs256 => _connector.MintToken(
                key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "dummy" }, algorithm: SecurityAlgorithms.HmacSha256),
            BadToken.Garbage => "not-a-jwt",
            BadToken.CorruptJwt => "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
            BadToken.RsaPss => _connector.MintToken(algorithm: SecurityAlgorithms.RsaSsaPssSha256),
            _ => null,
        };
        var counts = new Dictionary<string, long>();
        using var listener = _bot.ListenToAuthFailures(counts);

        using var response = await _bot.PostActivityAsync(activity, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        lock (counts)
        {
            Assert.True(counts.GetValueOrDefault(reason) == 1, string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(_connector.CallsFor(conversationId));
    }

    [Fact]
    public async Task MalformedJsonWithAValidTokenIs400()
    {
        using var client = _bot.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent("{\"type\": \"message\", ", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", _connector.MintToken());

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MalformedJsonWithoutATokenIs401NotAParseError()
    {
        using var client = _bot.CreateClient();
        using var content = new StringContent("{", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/messages", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
