using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrderPlatform.Worker.Tests.Committee;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>
/// Corpus-style: each sheet in Corpus/ (CSV files, plus workbooks built below) goes through the parser and the
/// committee, and the order must equal its hand-checked <c>*.expected.json</c> exactly, every line and header field.
/// ORDERPLATFORM_UPDATE_EXPECTED=1 writes the files instead; check their diff by eye before committing.
/// </summary>
public sealed class CorpusTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static TheoryData<string> Cases => [.. Directory.GetFiles(Folder(), "*.csv").Select(f => Path.GetFileName(f)).Order(), .. Workbooks.Keys.Order()];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryLineAndHeaderFieldMatchesTheExpectedOrder(string name)
    {
        var sheet = Workbooks.TryGetValue(name, out var build)
            ? ParserHarness.Parse(build())
            : ParserHarness.Parse(await File.ReadAllBytesAsync(Path.Combine(Folder(), name), TestContext.Current.CancellationToken), name);

        var review = await CommitteeHarness.RunAsync(sheet);
        var actual = JsonSerializer.Serialize(review.Order, Json).ReplaceLineEndings("\n") + "\n";

        var expectedPath = Path.Combine(Folder(), Path.GetFileNameWithoutExtension(name) + ".expected.json");
        if (Environment.GetEnvironmentVariable("ORDERPLATFORM_UPDATE_EXPECTED") == "1")
        {
            await File.WriteAllTextAsync(expectedPath, actual, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run with ORDERPLATFORM_UPDATE_EXPECTED=1 and check it.");
        Assert.Equal((await File.ReadAllTextAsync(expectedPath, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n"), actual);
    }

    private static string Folder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Corpus");

    private static readonly Dictionary<string, Func<XlsxBuilder>> Workbooks = new()
    {
        ["en-two-row-header.xlsx"] = () =>
        {
            var book = new XlsxBuilder();
            book.Sheet("Instructions").Row(1, "How to order from Nordwerk Supplies GmbH").Row(2, "Supplier", "Nordwerk Supplies GmbH");
            book.Sheet("Order")
                .Row(1, "Customer", "Baumarkt Keller AG").Row(2, "Order no", "BK-2026-044").Row(3, "Delivery date", new DateOnly(2026, 12, 14))
                .Row(5, "Article", null, "Qty", "Price (EUR)")
                .Row(6, "No.", "Description", null, "Unit", "Total")
                .Row(7, "4711-0032", "Bolt M6x20 zinc plated", 10, 0.5, 5)
                .Row(8, "4711-0045", "Nut M6 zinc plated", 20, 0.1, 2)
                .Row(9, "4711-0050", "Washer M6", 100, 0.02, 2)
                .Merge("A5:B5").Merge("C5:C6").Merge("D5:E5");
            return book;
        },
        ["de-sections-formulas.xlsx"] = () =>
        {
            var book = new XlsxBuilder();
            book.Sheet("Bestellung")
                .Row(1, "Bestellung Nr. 4500019876 vom 02.12.2026").Row(2, "Kundennr.", 10234).Row(3, "Ihr Zeichen", "Herr Maier")
                .Row(5, "Art.-Nr.", "Bezeichnung", "Menge", "ME", "Einzelpreis", "Gesamt")
                .Row(6, "SCHRAUBEN")
                .Row(7, "4711-0032", "Schraube M6x20 verzinkt", 100, "Stk", 0.12, new XFormula("C7*E7", 12))
                .Row(8, "4711-0045", "Schraube M8x30 verzinkt", 50, "Stk", 0.21, new XFormula("C8*E8", 10.5))
                .Row(9, "Zwischensumme Schrauben", null, new XFormula("SUM(C7:C8)", 150), null, null, new XFormula("SUM(F7:F8)", 22.5))
                .Row(11, "ELEKTRO")
                .Row(13, "KAB-3X1.5", "Kabel NYM-J 3x1,5 mm²", "25 m", "m", 0.89, new XFormula("C13*E13", 22.25))
                .Row(14, "Zwischensumme Elektro", null, null, null, null, new XFormula("SUM(F13:F13)", 22.25))
                .Row(16, "GESAMTSUMME", null, null, null, null, new XFormula("F9+F14", 44.75));
            return book;
        },

        // Article numbers stored as numbers under "Nr.", which no dictionary reads as a code, next to a running position.
        ["de-numeric-article-numbers.xlsx"] = () =>
        {
            var book = new XlsxBuilder();
            book.Sheet("Auftrag")
                .Row(1, "Kunde", "Elektro Brandt KG").Row(2, "Bestellnr.", "EB-55107")
                .Row(4, "Pos.", "Nr.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt")
                .Row(5, 1, 100234, "Installationsrohr M20 grau", 50, 0.45, new XFormula("D5*E5", 22.5))
                .Row(6, 2, 100517, "Abzweigdose AP 80x80", 12, 1.9, new XFormula("D6*E6", 22.8))
                .Row(7, 3, 203344, "Wago Klemme 221-413", 100, 0.38, new XFormula("D7*E7", 38))
                .Row(8, 4, 310022, "Kabelbinder 200 mm schwarz", 200, 0.02, new XFormula("D8*E8", 4))
                .Row(10, "Summe", null, null, null, null, new XFormula("SUM(F5:F8)", 87.3));
            return book;
        },
    };
}
