using Microsoft.Azure.Cosmos;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>The case-store contract against a real Cosmos DB SQL-API server; each test class run gets its own database.</summary>
public sealed class CosmosCaseStoreTests(CosmosServer cosmos) : CaseStoreContract, IClassFixture<CosmosServer>
{
    private readonly CosmosCaseStoreOptions _options = new() { Database = $"orders-{Guid.NewGuid():N}" };

    protected override async Task<ICaseStore> StoreAsync()
    {
        var store = new CosmosCaseStore(cosmos.Client, _options, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return store;
    }

    [Fact]
    public async Task ACaseOfThousandsOfLinesStaysWithinCosmossItemLimitAndReadsBackWhole()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-large"), new CaseEventDraft("user-1", "receive", "upload"), Ct);
        var lines = Enumerable.Range(1, 6000)
            .Select(row => new OrderLine(row, $"4711-{row:00000}", $"40063813{row:00000}", $"Schraube M{row % 20 + 3}x{row % 90 + 10} verzinkt, DIN 933", row % 97 + 1, "Stk", 0.12m + row))
            .ToList();
        var questions = lines.Select(l => new UncertainField("itemId", $"Item on row {l.RowNumber}", l.Sku, l.RowNumber,
            [$"4600000000{l.RowNumber:00000}: {l.Description}", $"4600000001{l.RowNumber:00000}: {l.Description} (alt)"], "The item matched only approximately.")).ToList();

        await store.UpdateAsync(created.Id, c => c with
        {
            Status = CaseStatus.Parsed,
            Order = new CanonicalOrder("Müller Maschinenbau GmbH", "PO-LARGE", null, null, lines),
            Questions = questions,
        }, new CaseEventDraft("worker", "parse-excel", "6000 lines"), Ct);

        var read = await store.FindAsync(created.Id, Ct);
        Assert.Equal(6000, read!.Order!.Lines.Count);
        Assert.Equal(lines[5999], read.Order.Lines[5999]);
        Assert.Equal(questions[1234] with { Choices = null }, read.Questions![1234] with { Choices = null });
        Assert.Equal(questions[1234].Choices, read.Questions[1234].Choices);
        Assert.Equal(CaseStatus.Parsed, read.Status);
        Assert.True(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(read, CaseJson.Options).Length > 2 * 1024 * 1024,
            "the document itself must be over Cosmos's 2 MB item limit for this test to mean anything");

        using var raw = await cosmos.Client.GetContainer(_options.Database, _options.Container)
            .ReadItemStreamAsync(created.Id, new PartitionKey("tenant-large"), cancellationToken: Ct);
        Assert.True(raw.IsSuccessStatusCode, $"raw read answered {raw.StatusCode}");
        using var content = new MemoryStream();
        await raw.Content.CopyToAsync(content, Ct);
        Assert.InRange(content.Length, 1, CosmosCaseStore.MaxItemBytes);

        var page = await store.ListAsync(new CaseQuery("tenant-large", CaseStatus.Parsed), Ct);
        var summary = Assert.Single(page.Items);
        Assert.Equal((created.Id, "user-1"), (summary.Id, summary.UserId));
        Assert.Equal(2, (await store.GetEventsAsync(created.Id, Ct)).Count);
    }
}
