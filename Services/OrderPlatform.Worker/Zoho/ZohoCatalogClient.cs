using System.Globalization;
using System.Text.Json.Nodes;
using OrderPlatform.Worker.Catalog;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// The active item catalogue and customer contacts, read page by page (spec §5: <c>page</c>, <c>per_page</c> up to 200,
/// <c>page_context.has_more_page</c>) through <see cref="ZohoBooksClient"/>, so the throttle and token rules hold.
/// </summary>
public sealed class ZohoCatalogClient(ZohoBooksClient books)
{
    public const int PerPage = 200;

    // A Zoho answer that always claims another page would otherwise keep the sync (and the daily budget) busy forever.
    private const int MaxPages = 500;

    public Task<IReadOnlyList<CatalogItem>> ListItemsAsync(CancellationToken cancellationToken) =>
        ListAsync("items", "filter_by=Status.Active", "items", ToItem, cancellationToken);

    public Task<IReadOnlyList<CatalogCustomer>> ListCustomersAsync(CancellationToken cancellationToken) =>
        ListAsync("contacts", "contact_type=customer&filter_by=Status.Active", "contacts", ToCustomer, cancellationToken);

    private async Task<IReadOnlyList<T>> ListAsync<T>(string path, string filter, string key, Func<JsonNode, T?> map,
        CancellationToken cancellationToken) where T : class
    {
        var all = new List<T>();
        for (var page = 1; ; page++)
        {
            if (page > MaxPages)
            {
                throw new ZohoException(ZohoErrorKind.UnexpectedResponse, $"Zoho Books reported more than {MaxPages} pages of /{path}.");
            }

            var body = await books.GetAsync(path, $"{filter}&page={page}&per_page={PerPage}", cancellationToken).ConfigureAwait(false);
            if (body[key] is not JsonArray rows)
            {
                throw new ZohoException(ZohoErrorKind.UnexpectedResponse, $"Zoho Books answered /{path} page {page} without \"{key}\".");
            }

            all.AddRange(rows.OfType<JsonNode>().Select(map).OfType<T>());
            var more = string.Equals(body["page_context"]?["has_more_page"]?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
            if (!more || rows.Count == 0)
            {
                return all;
            }
        }
    }

    private static CatalogItem? ToItem(JsonNode node) => Text(node, "item_id") is { } id && Text(node, "name") is { } name
        ? new CatalogItem(id, Text(node, "sku") ?? "", Text(node, "ean") ?? Text(node, "upc"), name, Text(node, "unit"),
            Decimal(node["rate"]), [])
        : null;

    // The company name is what spreadsheets usually carry when the contact is named after a person.
    private static CatalogCustomer? ToCustomer(JsonNode node)
    {
        if (Text(node, "contact_id") is not { } id || Text(node, "contact_name") is not { } name)
        {
            return null;
        }

        var company = Text(node, "company_name");
        string[] aliases = company is not null && !company.Equals(name, StringComparison.OrdinalIgnoreCase) ? [company] : [];
        return new CatalogCustomer(id, Text(node, "contact_number") ?? id, name, Text(node, "email"), aliases);
    }

    private static string? Text(JsonNode node, string name) =>
        node[name]?.ToString().Trim() is { Length: > 0 } value ? value : null;

    private static decimal? Decimal(JsonNode? node) =>
        node is null ? null
        : decimal.TryParse(node.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;
}
