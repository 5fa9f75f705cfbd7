using System.Text.Json;
using Azure.Storage.Blobs;
using Google.Protobuf;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Common;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>A real Temporal cluster refuses any payload over 2 MB; a long sheet must still go through.</summary>
public sealed class PayloadSizeTests(WorkflowFixture fixture, Infrastructure infrastructure) : IClassFixture<WorkflowFixture>
{
    private const int TwoMegabytes = 2 * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASheetWhoseParsedJsonExceedsTwoMegabytesCompletesWithSmallHistoryPayloads()
    {
        var lines = Enumerable.Range(0, 10_000).Select(i => Workbooks.KnownLines[i % Workbooks.KnownLines.Length] with { Quantity = 1 + i % 97 }).ToArray();
        var handle = await fixture.StartCaseAsync(Workbooks.Order("10234", "PO-BIG", lines));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        var result = await handle.GetResultAsync<OrderWorkflowResult>(rpcOptions: new RpcOptions { CancellationToken = timeout.Token });

        Assert.True(result.Status == CaseStatus.Completed, $"{result.Status}: {result.Error}{Environment.NewLine}{fixture.Worker.Logs.Text}");
        var order = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(10_000, order["line_items"]!.AsArray().Count);

        var history = await handle.FetchHistoryAsync(new WorkflowHistoryEventFetchOptions { Rpc = new RpcOptions { CancellationToken = Ct } });
        var parsed = ActivityResult<BlobRef>(history, "parse-excel");
        var tenant = (await fixture.Worker.Cases.FindAsync(handle.Id, Ct))!.TenantId;
        Assert.Equal($"{tenant}/{handle.Id}/parsed.json", parsed.BlobName);
        Assert.Equal(10_000, parsed.Rows);
        var blob = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders").GetBlobClient(parsed.BlobName);
        var size = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.ContentLength;
        Assert.True(size > TwoMegabytes, $"the parsed sheet is only {size} bytes; the test needs more than 2 MB to mean anything");

        var largest = history.Events.Select(e => (Event: e, Size: LargestPayload(e))).MaxBy(x => x.Size);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"parsed.json {size} bytes; {history.Events.Count} events; largest payload {largest.Size} bytes in {largest.Event.EventType}");
        Assert.True(largest.Size < TwoMegabytes, $"event {largest.Event.EventId} ({largest.Event.EventType}) carries {largest.Size} bytes");
        // Nothing in history grows with the sheet: the largest payload is a settings record or a reference, not the data.
        Assert.True(largest.Size < 16 * 1024, $"event {largest.Event.EventId} ({largest.Event.EventType}) carries {largest.Size} bytes");
    }

    [Fact]
    public async Task ASheetWithThousandsOfUnsureLinesWaitsForAnswersWithSmallHistoryPayloadsAndTheApiShowsEveryQuestion()
    {
        const int Unsure = 3_000;
        // Unknown codes whose descriptions resemble catalog items: every line is a question with candidates to choose from.
        var lines = Enumerable.Range(0, Unsure).Select(i => new Workbooks.Line($"ZZ-{i:00000}", $"Schraube M6x20 Sonderanfertigung {i}", 1 + (i % 50), "Stk", 0.5m));
        var handle = await fixture.StartCaseAsync(Workbooks.Order("10234", "PO-UNSURE", [.. lines]));
        await using var api = new ApiHost(infrastructure, fixture.TaskQueue);
        var http = api.CreateAuthorizedClient();

        var waiting = await OrderClient.WaitForStatusAsync(http, handle.Id, CaseStatus.AwaitingCorrections,
            () => $"api:{Environment.NewLine}{api.Logs.Text}{Environment.NewLine}worker:{Environment.NewLine}{fixture.Worker.Logs.Text}", 240);

        Assert.Equal(Unsure, waiting.Case.Questions!.Count);
        Assert.All(waiting.Case.Questions, q => Assert.Equal("itemId", q.Field));
        Assert.Equal(Unsure, waiting.Live!.QuestionCount);
        Assert.Equal(waiting.Case.Questions.Select(q => q.RowNumber), waiting.Live.Questions.Select(q => q.RowNumber));
        var blob = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders").GetBlobClient(waiting.Live.QuestionsBlob);
        var size = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.ContentLength;

        var history = await handle.FetchHistoryAsync(new WorkflowHistoryEventFetchOptions { Rpc = new RpcOptions { CancellationToken = Ct } });
        var largest = history.Events.Select(e => (Event: e, Size: LargestPayload(e))).MaxBy(x => x.Size);
        TestContext.Current.TestOutputHelper?.WriteLine($"questions {size} bytes; largest payload {largest.Size} bytes in {largest.Event.EventType}");
        Assert.True(size > 512 * 1024, $"the questions are only {size} bytes; the test needs a list too big for history to mean anything");
        Assert.True(largest.Size < 16 * 1024, $"event {largest.Event.EventId} ({largest.Event.EventType}) carries {largest.Size} bytes");

        await handle.SignalAsync(SignalNames.Cancel, [new SignalRequest(SignalNames.Cancel, "anna", Reason: "test done")]);
    }

    private static T ActivityResult<T>(WorkflowHistory history, string activity)
    {
        var scheduled = history.Events.Single(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == activity).EventId;
        var completed = history.Events.Single(e => e.ActivityTaskCompletedEventAttributes?.ScheduledEventId == scheduled);
        var payload = completed.ActivityTaskCompletedEventAttributes.Result.Payloads_.Single();
        return JsonSerializer.Deserialize<T>(payload.Data.Span)!;
    }

    /// <summary>The largest <see cref="Payloads"/> or <see cref="Payload"/> anywhere in the event (inputs, results, failures' details).</summary>
    private static int LargestPayload(IMessage message)
    {
        var largest = message is Payload or Payloads ? message.CalculateSize() : 0;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            IEnumerable<IMessage> children = value switch
            {
                IMessage child => [child],
                System.Collections.IDictionary map when field.IsMap => map.Values.OfType<IMessage>(),
                System.Collections.IEnumerable list when field.IsRepeated => list.OfType<IMessage>(),
                _ => [],
            };
            foreach (var child in children)
            {
                largest = Math.Max(largest, LargestPayload(child));
            }
        }

        return largest;
    }
}
