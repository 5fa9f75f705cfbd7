using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderPlatform.Worker.Zoho;

/// <summary>Body of <c>POST /salesorders</c> (spec §3). No status field: a new sales order is always a draft.</summary>
public sealed record ZohoSalesOrderRequest(
    string CustomerId,
    string Date,
    string ReferenceNumber,
    IReadOnlyList<ZohoLineItem> LineItems,
    string? Notes = "Created by order-intake bot");

/// <summary>One line; <c>rate</c> is always sent so the draft shows what the customer asked for.</summary>
public sealed record ZohoLineItem(string ItemId, decimal Quantity, decimal Rate, string? Description = null);

public sealed record ZohoSalesOrder(string SalesOrderId, string? SalesOrderNumber, string? ReferenceNumber, string? Status);

/// <summary>
/// What create-zoho-draft stores on the case: the order created or reused, or for a dry run only the request that
/// would have been sent.
/// </summary>
public sealed record ZohoDraftResult(bool DryRun, bool Reused, string? SalesOrderId, string? SalesOrderNumber, string? Status,
    string Method, string Path, string RequestJson);

internal static class ZohoJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
