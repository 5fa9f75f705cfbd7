using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Committee;

/// <summary>The <c>llm</c> connection string: <c>Endpoint=https://host/v1;Key=...;Model=...</c>.</summary>
public sealed record LlmConnection(Uri Endpoint, string Key, string Model)
{
    public static LlmConnection? Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string name) => builder.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (Get("Endpoint") is not { Length: > 0 } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || Get("Model") is not { Length: > 0 } model)
        {
            throw new InvalidOperationException("The llm connection string needs Endpoint (absolute URL) and Model.");
        }

        return new LlmConnection(uri, Get("Key") ?? "", model);
    }

    /// <summary>Only the host: the key stays out of every log line and exception.</summary>
    public override string ToString() => $"{Endpoint.Host} ({Model})";
}

/// <summary>
/// Asks an OpenAI-compatible chat completions endpoint to map the columns. Off unless the <c>llm</c> connection string
/// is set; any failure makes it abstain so the committee never depends on it.
/// </summary>
public sealed class LlmMember(HttpClient http, LlmConnection connection, ILogger<LlmMember> logger) : ICommitteeMember
{
    private const int SampleRows = 8;

    public string Name => "llm";

    public double Weight => 0.6;

    public async Task<MemberProposal?> ProposeAsync(CommitteeInput input, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(connection.Endpoint.ToString().TrimEnd('/') + "/chat/completions"));
            if (connection.Key.Length > 0)
            {
                request.Headers.Authorization = new("Bearer", connection.Key);
            }

            request.Content = JsonContent.Create(new JsonObject
            {
                ["model"] = connection.Model,
                ["temperature"] = 0,
                ["response_format"] = new JsonObject { ["type"] = "json_object" },
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = SystemPrompt },
                    new JsonObject { ["role"] = "user", ["content"] = Describe(input.Sheet) }),
            });
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("LLM member abstains: {Endpoint} answered {Status}", connection, (int)response.StatusCode);
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
            var content = body?["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
            return content is null ? null : Read(content, input.Sheet);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException
            or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("LLM member abstains: {Endpoint} failed with {Error}", connection, ex.GetType().Name);
            return null;
        }
    }

    private const string SystemPrompt =
        "You map the columns of a customer's purchase-order spreadsheet. Fields: code (article number/SKU), ean " +
        "(EAN/GTIN barcode), description, quantity, unit, price (net unit price). Header fields: customer, poNumber, " +
        "deliveryDate (YYYY-MM-DD), orderDate (YYYY-MM-DD). Answer with one JSON object only: " +
        "{\"columns\":{\"<field>\":\"<column letter>\"},\"header\":{\"<field>\":\"<value>\"}}. Leave out anything you are unsure of.";

    private static string Describe(ParsedSheet sheet)
    {
        var text = new StringBuilder();
        text.AppendLine($"Sheet: {sheet.SheetName}");
        foreach (var field in sheet.Metadata)
        {
            text.AppendLine($"{field.Label}: {field.Value}");
        }

        text.AppendLine(string.Join(" | ", sheet.Columns.Select(c => $"{c.Letter}: {c.Header}")));
        foreach (var row in sheet.Rows.Take(SampleRows))
        {
            text.AppendLine(string.Join(" | ", sheet.Columns.Select((c, i) => $"{c.Letter}={row.Cells[i].Text}")));
        }

        return text.ToString();
    }

    private MemberProposal? Read(string content, ParsedSheet sheet)
    {
        var json = content.Trim();
        if (json.StartsWith("```", StringComparison.Ordinal))
        {
            json = json.Trim('`');
            json = json[(json.IndexOf('\n') + 1)..];
        }

        var node = JsonNode.Parse(json);
        var columns = new Dictionary<string, ColumnProposal>();
        foreach (var (field, value) in node?["columns"]?.AsObject() ?? [])
        {
            if (OrderFields.Columns.Contains(field) && value?.GetValue<string>() is { } letter
                && sheet.Columns.FirstOrDefault(c => string.Equals(c.Letter, letter.Trim(), StringComparison.OrdinalIgnoreCase)) is { } column)
            {
                columns[field] = new ColumnProposal(column.Index, 0.7);
            }
        }

        var header = new Dictionary<string, ValueProposal>();
        foreach (var (field, value) in node?["header"]?.AsObject() ?? [])
        {
            if (OrderFields.Header.Contains(field) && value?.ToString() is { Length: > 0 } text)
            {
                header[field] = new ValueProposal(text, 0.6);
            }
        }

        return columns.Count + header.Count == 0 ? null : new MemberProposal(Name, columns, header);
    }
}
