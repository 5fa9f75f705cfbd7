using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrderPlatform.Api.Workflow;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>The calls the TeamsBot makes, over real HTTP.</summary>
public static class OrderClient
{
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient http, byte[] file, string fileName, string tenantId,
        string? idempotencyKey = null, string userId = "user-1", ConversationReference? conversation = null)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(part, "file", fileName);
        content.Add(new StringContent(tenantId), "tenantId");
        content.Add(new StringContent(userId), "userId");
        if (conversation is not null)
        {
            content.Add(new StringContent(System.Text.Json.JsonSerializer.Serialize(conversation, CaseJson.Options)), "conversation");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<OrderAccepted> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<OrderAccepted>(CaseJson.Options, TestContext.Current.CancellationToken);
        Assert.NotNull(accepted);
        return accepted;
    }

    public static async Task<CaseStatusResponse> StatusAsync(HttpClient http, string caseId) =>
        (await http.GetFromJsonAsync<CaseStatusResponse>($"/api/workflow/{caseId}/status", CaseJson.Options, TestContext.Current.CancellationToken))!;

    public static async Task<CaseStatusResponse> WaitForStatusAsync(HttpClient http, string caseId, CaseStatus status, Func<string>? logs = null,
        int timeoutSeconds = 60)
    {
        CaseStatusResponse? last = null;
        await Infrastructure.EventuallyAsync(async () =>
        {
            last = await StatusAsync(http, caseId);
            Assert.False(last.Status is CaseStatus.Failed && status != CaseStatus.Failed, $"case failed: {last.Case.Error}");
            return last.Status == status;
        }, () => $"{caseId} to reach {status} (last {last?.Status} at {last?.Step}, live {last?.Live}){Environment.NewLine}{logs?.Invoke()}", timeoutSeconds);
        return last!;
    }
}
