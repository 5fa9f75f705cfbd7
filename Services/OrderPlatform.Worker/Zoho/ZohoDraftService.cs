using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// create-zoho-draft: one draft sales order per case, idempotent through <c>reference_number</c> = case id (spec §4a).
/// Without Zoho credentials it is a clearly marked dry run that returns the request it would have sent.
/// </summary>
public sealed class ZohoDraftService(IServiceProvider services, IOptions<ZohoOptions> options, TimeProvider time,
    ILogger<ZohoDraftService> logger)
{
    private readonly ZohoOptions _options = options.Value;

    public async Task<ZohoDraftResult> CreateDraftAsync(ZohoSalesOrderRequest request, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(request, ZohoJson.Options);
        var path = $"/books/{_options.ApiVersion}/salesorders";
        if (!_options.IsConfigured)
        {
            logger.LogInformation("Zoho is not configured: dry run for {Reference}, nothing was sent", request.ReferenceNumber);
            return new ZohoDraftResult(true, false, null, null, "dry-run", "POST", path, json);
        }

        // Resolved only here so a dry-run deployment never builds the token provider or its HTTP client.
        var client = services.GetRequiredService<ZohoBooksClient>();
        if (await FindExistingAsync(client, request.ReferenceNumber, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return Result(existing, reused: true);
        }

        try
        {
            return Result(await client.CreateSalesOrderAsync(request, cancellationToken).ConfigureAwait(false), reused: false);
        }
        catch (ZohoException ex) when (ex.OutcomeUnknown)
        {
            // The create may have landed: give Zoho a moment, look again, and only then send it a second time.
            logger.LogWarning("Create for {Reference} ended with {Kind}; looking it up before retrying", request.ReferenceNumber, ex.Kind);
            await Task.Delay(_options.UnknownOutcomeSettleDelay, time, cancellationToken).ConfigureAwait(false);
            if (await FindExistingAsync(client, request.ReferenceNumber, cancellationToken).ConfigureAwait(false) is { } landed)
            {
                return Result(landed, reused: true);
            }

            return Result(await client.CreateSalesOrderAsync(request, cancellationToken).ConfigureAwait(false), reused: false);
        }

        ZohoDraftResult Result(ZohoSalesOrder order, bool reused) =>
            new(false, reused, order.SalesOrderId, order.SalesOrderNumber, order.Status, "POST", path, json);
    }

    private static async Task<ZohoSalesOrder?> FindExistingAsync(ZohoBooksClient client, string reference, CancellationToken cancellationToken)
    {
        var hits = await client.FindSalesOrdersByReferenceAsync(reference, cancellationToken).ConfigureAwait(false);
        return hits.Count switch
        {
            0 => null,
            1 => hits[0],
            _ => throw new ZohoException(ZohoErrorKind.DuplicateReference,
                $"Zoho Books holds {hits.Count} sales orders with reference {reference}; someone must look before another is created."),
        };
    }
}
