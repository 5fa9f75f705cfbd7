namespace OrderPlatform.Worker.Catalog;

/// <summary>
/// A small catalog for local runs without Zoho (<c>Catalog:Seed</c>, on by default): loaded only into an empty replica,
/// so a synced catalog is never overwritten. Ids look like Zoho's digit strings.
/// </summary>
internal static class SeedCatalog
{
    public static readonly CatalogCustomer[] Customers =
    [
        new("460000000026049", "10234", "Müller Maschinenbau GmbH", "einkauf@mueller-maschinenbau.example", ["Müller", "Mueller Maschinenbau"]),
        new("460000000026050", "10235", "Atelier Dupont SARL", "commandes@dupont.example", ["Dupont"]),
        new("460000000026051", "20001", "Northwind Traders Ltd", "orders@northwind.example", ["Northwind"]),
    ];

    public static readonly CatalogItem[] Items =
    [
        new("460000000027009", "4711-0032", "4006381333931", "Schraube M6x20 verzinkt, DIN 933", "Stk", 0.12m, ["Hex bolt M6x20"]),
        new("460000000027010", "4711-0045", "4006381333948", "Schraube M8x30 verzinkt, DIN 933", "Stk", 0.21m, ["Hex bolt M8x30"]),
        new("460000000027011", "AB 100", "0036000291452", "Mutter M6 DIN 934", "Stk", 0.05m, ["Hex nut M6"]),
        new("460000000027012", "KAB-3X1.5", null, "Kabel NYM-J 3x1,5 mm²", "m", 0.89m, ["Cable NYM 3x1.5"]),
        new("460000000027013", "WD-40-400", "5032227403006", "WD-40 Multifunktionsöl 400 ml", "Stk", 6.90m, []),
    ];
}
