using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Connections;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class ConnectionTests(Infrastructure infrastructure) : TargetedHostTests(infrastructure)
{
    private const string Secret = "tok-9f2c41d7e0b8a6";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Everything reaches the capturing provider (checked for the secret); the console stays at Warning.
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:Console:LogLevel:Default"] = "Warning",
    };

    private async Task PutAsync(string name, JsonNode value, HttpStatusCode expected)
    {
        using var api = Host.Api();
        var response = await api.PutAsJsonAsync($"/api/v1/connections/{name}", new JsonObject { ["value"] = value }, Ct);
        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AConnectionIsStoredEncryptedAndNoRouteReturnsItsValue()
    {
        using var anonymous = Host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync("/api/v1/connections/crm", new { value = Secret }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/connections", Ct)).StatusCode);

        await PutAsync("crm", new JsonObject { ["token"] = Secret }, HttpStatusCode.Created);
        await PutAsync("crm", new JsonObject { ["token"] = Secret + "-v2" }, HttpStatusCode.NoContent);
        await PutAsync("bad-name", Secret, HttpStatusCode.BadRequest);

        using var api = Host.Api();
        var list = await api.GetStringAsync("/api/v1/connections", Ct);
        Assert.Contains("\"crm\"", list);
        Assert.DoesNotContain(Secret, list);
        Assert.DoesNotContain(Secret, await api.GetStringAsync("/api/v1/connections/crm", Ct));
        Assert.DoesNotContain(Secret, await api.GetStringAsync("/openapi/v1.json", Ct));

        // At rest only ciphertext: neither the value nor its JSON is anywhere in the row.
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM connection WHERE position('{Secret}'::bytea IN secret) > 0 OR secret::text LIKE '%{Convert.ToHexStringLower(Encoding.UTF8.GetBytes(Secret))}%'"));
        Assert.Equal(1, await Host.ScalarAsync("SELECT count(*) FROM connection WHERE length(secret) > 28"));

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v1/connections/crm", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/connections/crm", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync("/api/v1/connections/crm", Ct)).StatusCode);
        Assert.DoesNotContain(Host.Logs, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStepGetsTheConnectionWhileLogsAndRunHistoryShowItRedacted()
    {
        await PutAsync("crm", new JsonObject { ["token"] = Secret }, HttpStatusCode.Created);
        var key = Guid.NewGuid().ToString("N");
        var call = Http("call", new Uri(Target.Address, $"/record/{key}").ToString());
        call["headers"] = new JsonObject { ["X-Token"] = "{{connections.crm.token}}" };
        var flowId = await Host.CreateFlowAsync(Flow(
            call,
            Code("length", "return { n: input.t.length, prefixed: input.p };", new JsonObject { ["t"] = "{{connections.crm.token}}", ["p"] = "Bearer {{connections.crm.token}}" }),
            Code("leak", "return { copied: input.t, whole: input.all };", new JsonObject { ["t"] = "{{length.prefixed}}", ["all"] = "{{connections.crm}}" }),
            Code("fail", "throw new Error('bad token ' + input.t);", new JsonObject { ["t"] = "{{connections.crm.token}}" })));
        var runId = await Host.TriggerAsync(flowId);
        var run = await Host.WaitForEndAsync(runId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(Secret, Target.TokenReceived(key));
        using var api = Host.Api();
        var detail = await api.GetStringAsync($"/api/v1/runs/{runId}", Ct);
        Assert.DoesNotContain(Secret, detail);
        var steps = JsonNode.Parse(detail)!["steps"]!.AsArray();
        Assert.Equal("**REDACTED**", steps[0]!["input"]!["headers"]!["X-Token"]!.GetValue<string>());
        Assert.Equal("Bearer **REDACTED**", steps[1]!["input"]!["p"]!.GetValue<string>());
        Assert.Equal(Secret.Length, steps[1]!["output"]!["n"]!.GetValue<int>());
        Assert.Equal("Bearer **REDACTED**", steps[2]!["output"]!["copied"]!.GetValue<string>());
        Assert.Contains("**REDACTED**", steps[3]!["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, await Host.ScalarAsync(
            $"SELECT count(*) FROM step_run WHERE concat(input::text, output::text, error::text) LIKE '%{Secret}%'"));
        Assert.Equal(0, await Host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE error::text LIKE '%{Secret}%'"));
        Assert.DoesNotContain(Host.Logs, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingConnectionFailsTheStepThatNamesIt()
    {
        var flowId = await Host.CreateFlowAsync(Flow(Code("first", "return 1;"), Code("uses", "return input;", new JsonObject { ["t"] = "{{connections.nowhere.token}}" })));
        var run = await Host.WaitForEndAsync(await Host.TriggerAsync(flowId));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("uses", run.FailedStep);
        Assert.Equal("CONNECTION_NOT_FOUND", run.Error!["type"]!.GetValue<string>());
    }

    [Fact]
    public void AValueSealedWithAnotherKeyOrForAnotherNameDoesNotDecrypt()
    {
        static SecretProtector With(string key) => new(Options.Create(new FlowRunnerOptions { Connections = new() { Key = key } }), NullLogger<SecretProtector>.Instance);
        var protector = With(FlowRunnerHost.SecretsKey);
        var plaintext = Encoding.UTF8.GetBytes(Secret);
        var first = protector.Encrypt("crm", plaintext);
        Assert.NotEqual(first, protector.Encrypt("crm", plaintext));
        Assert.Equal(plaintext, protector.Decrypt("crm", first));
        Assert.Null(protector.Decrypt("erp", first));
        Assert.Null(With(FlowRunnerHost.SecretsKey + "-rotated").Decrypt("crm", first));
        first[^1] ^= 1;
        Assert.Null(protector.Decrypt("crm", first));
    }

    [Fact]
    public async Task OutsideDevelopmentTheServiceRefusesToStartWithoutTheKey()
    {
        await using var host = new FlowRunnerHost(await Infrastructure.CreateDatabaseAsync(), Infrastructure.Redis, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["FlowRunner:Connections:Key"] = "",
        });
        var error = Assert.ThrowsAny<Exception>(() => host.Services);
        Assert.Contains("FlowRunner__Connections__Key (AppHost parameter flowrunner-secrets-key)", error.ToString());
    }
}
