using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using OrderPlatform.TaskWorker.Tasks;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.TaskWorker.Handlers;

/// <summary>
/// <c>convert-order-sheet</c>: reads <c>data.container</c>/<c>data.blob</c> from <c>blobs</c>, parses it with the
/// <see cref="SpreadsheetParser"/> the Worker's parse-excel also uses and writes the result as <c>{blob}.parsed.json</c>
/// next to it.
/// </summary>
public sealed class ConvertOrderSheetHandler(SpreadsheetParser parser, IServiceProvider services) : ITaskHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public string TaskType => "convert-order-sheet";

    public async Task<int> RunAsync(TaskMessage task, TextWriter output, CancellationToken cancellationToken)
    {
        var (containerName, blobName) = (Text(task.Data, "container"), Text(task.Data, "blob"));
        if (containerName is null || blobName is null)
        {
            await output.WriteLineAsync("convert-order-sheet needs data.container and data.blob.");
            return TaskExitCodes.InvalidTask;
        }

        // Resolved here, not injected: echo must run where no blobs connection is configured.
        var blobs = services.GetService<BlobServiceClient>()
            ?? throw new InvalidOperationException("convert-order-sheet needs ConnectionStrings__blobs.");
        var container = blobs.GetBlobContainerClient(containerName);
        ParsedSheet sheet;
        try
        {
            await using var content = await container.GetBlobClient(blobName).OpenReadAsync(cancellationToken: cancellationToken);
            sheet = parser.Parse(content, blobName);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await output.WriteLineAsync($"convert-order-sheet: {containerName}/{blobName} does not exist.");
            return TaskExitCodes.Failed;
        }
        catch (SpreadsheetException ex)
        {
            await output.WriteLineAsync($"convert-order-sheet: {blobName} cannot be parsed ({ex.Error}): {ex.Message}");
            return TaskExitCodes.Failed;
        }

        var target = $"{blobName}.parsed.json";
        await container.GetBlobClient(target).UploadAsync(BinaryData.FromObjectAsJson(sheet, Json), overwrite: true, cancellationToken);
        await output.WriteLineAsync($"convert-order-sheet: {containerName}/{blobName} -> {containerName}/{target}");
        return TaskExitCodes.Succeeded;
    }

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;
}
