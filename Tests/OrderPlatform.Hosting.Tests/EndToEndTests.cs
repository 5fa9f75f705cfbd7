using System.Net;
using System.Text;
using System.Text.Json;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Hosting.Tests;

/// <summary>The whole AppHost graph: a file uploaded to the Api goes through the Worker's workflow to a (dry-run) draft.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task AnOrderUploadedToTheApiIsProcessedToCompletionByTheWorker()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(TestTimeouts.Short);
        await using var app = await builder.BuildAsync(TestTimeouts.Short);
        await app.StartAsync(TestTimeouts.Start);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", TestTimeouts.Start);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("worker", TestTimeouts.Start);
        var apiKey = await ((ParameterResource)app.GetResource("api-key")).GetValueAsync(TestTimeouts.Short);
        using var http = app.CreateHttpClient("api");
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);

        // Customer 10234 and these SKUs are in the Worker's seed catalog, so the case needs no human.
        var csv = "Kundennr.:;10234\nBestellnr.:;PO-E2E-1\n\nArt.-Nr.;Bezeichnung;Menge;ME;Preis\n"
            + "4711-0032;Schraube M6x20 verzinkt, DIN 933;100;Stk;0,12\nWD-40-400;WD-40 Multifunktionsöl 400 ml;2;Stk;6,90\n"
            + "AB 100;Mutter M6 DIN 934;250;Stk;0,05\n";
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "order.csv" },
            { new StringContent("tenant-e2e"), "tenantId" },
            { new StringContent("user-e2e"), "userId" },
        };
        using var upload = await http.PostAsync("/api/orders", form, TestTimeouts.Short);
        var accepted = await upload.Content.ReadAsStringAsync(TestTimeouts.Short);
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, accepted);
        var caseId = JsonDocument.Parse(accepted).RootElement.GetProperty("caseId").GetString();

        var token = TestTimeouts.Start;
        string status, body;
        do
        {
            await Task.Delay(250, token);
            body = await http.GetStringAsync($"/api/workflow/{caseId}/status", token);
            status = JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;
        }
        while (status is not ("Completed" or "Failed" or "Cancelled" or "NeedsAttention" or "AwaitingCorrections"));

        Assert.True(status == "Completed", $"case ended {status}: {body}");
        using var events = await http.GetAsync($"/api/cases/{caseId}/events", TestTimeouts.Short);
        Assert.Contains("DraftCreated", await events.Content.ReadAsStringAsync(TestTimeouts.Short));
    }
}
