using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>Tenant and case ids become blob folders: none may be a dot segment or reach another folder or container.</summary>
public sealed class IdAndPathTests(ApiFixture fixture, Infrastructure infrastructure) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly TheoryData<string> BadIds = ["..", ".", ".hidden", "-dash", "_under", "a/b", "a\\b", "..%2fother", "a b", new string('a', 129), ""];

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task AnIdThatIsADotSegmentOrCouldLeaveItsFolderIsRefusedAndNothingIsWritten(string id)
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var account = new BlobServiceClient(infrastructure.Blobs);
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var blobUrl = $"{account.Uri.AbsoluteUri.TrimEnd('/')}/orders/{tenant}/file.xlsx";

        using var upload = await OrderClient.UploadAsync(http, Workbooks.Order("10234", "PO-ID", Workbooks.KnownLines), "order.xlsx", id);
        using var badCase = await http.PostAsJsonAsync("/api/workflow/start", new WorkflowStartRequest(id, blobUrl, tenant, "u", null), CaseJson.Options, Ct);
        using var badTenant = await http.PostAsJsonAsync("/api/workflow/start",
            new WorkflowStartRequest($"CASE-{Guid.NewGuid():N}", blobUrl, id, "u", null), CaseJson.Options, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badTenant.StatusCode);
        var orders = account.GetBlobContainerClient("orders");
        await orders.CreateIfNotExistsAsync(cancellationToken: Ct);
        if (id.Length > 0)
        {
            await foreach (var blob in orders.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id, Ct))
            {
                Assert.Fail($"{blob.Name} was written for the refused id {id}");
            }
        }
    }

    [Fact]
    public async Task AWorkflowStartedPastTheApiWithDotSegmentIdsFailsWithoutWritingAnything()
    {
        var account = new BlobServiceClient(infrastructure.Blobs);
        var inbox = account.GetBlobContainerClient("inbox");
        var caseId = $"../../inbox/CASE-{Guid.NewGuid():N}";
        var tenant = "..";
        await fixture.Worker.Cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = tenant, UserId = "user-1" },
            new CaseEventDraft("user-1", "receive", "written past the Api"), Ct);
        var handle = await infrastructure.Client.StartWorkflowAsync(OrderWorkflow.Name,
            [new OrderWorkflowInput(caseId, tenant, "user-1", $"{account.Uri.AbsoluteUri.TrimEnd('/')}/orders/{tenant}/x.xlsx", "x.xlsx")],
            new WorkflowOptions(caseId, fixture.TaskQueue));

        var result = await handle.GetResultAsync<OrderWorkflowResult>();

        Assert.Equal(CaseStatus.Failed, result.Status);
        Assert.Contains("letter or digit", result.Error);
        if ((await inbox.ExistsAsync(Ct)).Value)
        {
            await foreach (var blob in inbox.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, caseId[12..], Ct))
            {
                Assert.Fail($"{blob.Name} was written outside the orders container");
            }
        }
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/orders/t1/x/order.xlsx", "t1/x/order.xlsx")]
    [InlineData("HTTPS://ACCT.blob.core.windows.net/orders/t1/order.xlsx?sv=2024&sig=abc", "t1/order.xlsx")]
    [InlineData("https://acct.blob.core.windows.net.attacker.example/orders/t1/x.xlsx", null)]
    [InlineData("https://acct.blob.core.windows.net:444/orders/t1/x.xlsx", null)]
    [InlineData("http://acct.blob.core.windows.net/orders/t1/x.xlsx", null)]
    [InlineData("https://acct.blob.core.windows.net/orders/t1/", null)]
    [InlineData("https://acct.blob.core.windows.net/orders/t1//x.xlsx", null)]
    [InlineData("https://acct.blob.core.windows.net/orders/t1/./x.xlsx", null)]
    [InlineData("https://acct.blob.core.windows.net/orders/t10/x.xlsx", null)]
    [InlineData("https://acct.blob.core.windows.net/Orders/t1/x.xlsx", null)]
    [InlineData("/orders/t1/x.xlsx", null)]
    public void OnlyABlobOfOurAccountUnderTheTenantsFolderResolves(string url, string? blobName) =>
        Assert.Equal(blobName, OrderBlobAddress.Resolve(new Uri("https://acct.blob.core.windows.net/"), url, "t1", out _));
}
