using System.Text;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>The hard layouts of issue 14, each in two or more languages.</summary>
public sealed class LayoutTests
{
    public static TheoryData<string[], string[]> SectionWords => new()
    {
        { ["Item no", "Description", "Qty", "Unit", "Price", "Total"], ["FASTENERS", "Subtotal Fasteners", "ELECTRICAL", "Subtotal Electrical", "TOTAL"] },
        { ["Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis", "Gesamt"], ["SCHRAUBEN", "Zwischensumme Schrauben", "ELEKTRO", "Zwischensumme Elektro", "GESAMTSUMME"] },
        { ["Artikelnummer", "Omschrijving", "Aantal", "Eenheid", "Prijs", "Bedrag"], ["BEVESTIGING", "Subtotaal bevestiging", "ELEKTRA", "Subtotaal elektra", "TOTAAL"] },
    };

    [Theory]
    [MemberData(nameof(SectionWords))]
    public void SectionsWithHeadingsEmptyRowsAndSumSubtotalsKeepEveryLineAndDropTheRest(string[] headers, string[] words)
    {
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, [.. headers])
            .Row(3, words[0])
            .Row(4, "AB-100", "Bolt M6x20 zinc plated", 10, "pcs", 0.5, new XFormula("C4*E4", 5))
            .Row(5, "AB-101", "Bolt M8x30 zinc plated", 20, "pcs", 0.7, new XFormula("C5*E5", 14))
            .Row(6, words[1], null, new XFormula("SUM(C4:C5)", 30), null, null, new XFormula("SUM(F4:F5)", 19))
            .Row(8, words[2])
            .Row(10, "EL-200", "Cable NYM-J 3x1.5 mm²", 50, "m", 0.89, new XFormula("C10*E10", 44.5))
            .Row(11, "EL-201", "Socket outlet white", 12, "pcs", 2.4, new XFormula("C11*E11", 28.8))
            .Row(12, words[3], null, new XFormula("SUM(C10:C11)", 62), null, null, new XFormula("SUM(F10:F11)", 73.3))
            .Row(14, words[4], null, new XFormula("C6+C12", 92), null, null, new XFormula("F6+F12", 92.3))
            .Row(16, "EL-999", "Beyond the total: a note, not a line", 1);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal([4, 5, 10, 11], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal([3, 6, 8, 12, 14], sheet.SkippedRows);
        Assert.Equal([10m, 20m, 50m, 12m], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Quantity).Number));
        Assert.Equal("F", Assert.Single(sheet.Columns, c => c.SynonymField == OrderFields.LineTotal).Letter);
    }

    public static TheoryData<string[], string[], decimal[]> TextQuantities => new()
    {
        { ["Article", "Description", "Quantity", "Unit"], ["5x", "200 pcs", "12 St.", "6 pcs.", "12,5 m", "2,5 kg", "6 rolls"], [5, 200, 12, 6, 12.5m, 2.5m, 6] },
        { ["Art.-Nr.", "Bezeichnung", "Menge", "Einheit"], ["10 Stk", "3 Stück", "2,5 kg", "4 Rollen", "12 St.", "7,5 m", "2 Paar"], [10, 3, 2.5m, 4, 12, 7.5m, 2] },
        { ["Artikelnr", "Benämning", "Antal", "Enhet"], ["5 st", "200 st.", "1,5 m", "3 rullar", "2 kg", "10 ST", "4 pack"], [5, 200, 1.5m, 3, 2, 10, 4] },
    };

    [Theory]
    [MemberData(nameof(TextQuantities))]
    public void QuantitiesTypedAsTextWithUnitsOrMultipliersAreRead(string[] headers, string[] quantities, decimal[] expected)
    {
        var book = new XlsxBuilder();
        var order = book.Sheet("Order").Row(1, [.. headers]);
        for (var i = 0; i < quantities.Length; i++)
        {
            order.Row(2 + i, $"A-{100 + i}", $"Item number {i} of the order", quantities[i], "pcs");
        }

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(expected, sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Quantity).Number!.Value));
        Assert.Equal("D", sheet.Column(OrderFields.Unit).Letter);
    }

    [Fact]
    public void TextThatMerelyStartsWithANumberStaysText()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Qty", "Note").Row(2, "A-1", 3, "100 AB").Row(3, "A-2", 4, "12 boxes");

        var sheet = ParserHarness.Parse(book);

        Assert.Null(sheet.Rows[0].Cells[2].Number);
        Assert.Equal(12m, sheet.Rows[1].Cells[2].Number);
    }

    public static TheoryData<string, string, string> ErpExports => new()
    {
        { "Artikelnummer;Omschrijving;Aantal;Eenheid;Prijs;Bedrag", "100-2345;Schroef M6x20 verzinkt;12,5;kg;4,20;52,50", "Artikelnummer" },
        { "Indeks;Nazwa towaru;Ilość;J.m.;Cena;Wartość", "100-2345;Śruba M6x20 ocynkowana;12,5;kg;4,20;52,50", "Indeks" },
        { "Codice articolo;Descrizione;Quantità;UM;Prezzo;Importo", "100-2345;Vite M6x20 zincata;12,5;kg;4,20;52,50", "Codice articolo" },
        { "Código;Descripción;Cantidad;Unidad;Precio;Importe", "100-2345;Tornillo M6x20 galvanizado;12,5;kg;4,20;52,50", "Código" },
        { "Varenummer;Beskrivelse;Antall;Enhet;Pris;Beløp", "100-2345;Skrue M6x20 forsinket;12,5;kg;4,20;52,50", "Varenummer" },
        { "Référence article;Désignation;Quantité;Unité;Prix unitaire;Montant", "100-2345;Vis M6x20 zinguée;12,5;kg;4,20;52,50", "Référence article" },
    };

    [Theory]
    [MemberData(nameof(ErpExports))]
    public void SemicolonErpExportsWithDecimalCommasMapTheArticleNumber(string header, string line, string codeHeader)
    {
        var csv = $"{header}\r\n{line}\r\n{line.Replace("100-2345", "100-2346", StringComparison.Ordinal)}\r\n";

        var sheet = ParserHarness.Parse(Encoding.UTF8.GetBytes(csv), "export.csv");

        Assert.Equal(codeHeader, sheet.Column(OrderFields.Code).Header);
        Assert.Equal(["100-2345", "100-2346"], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Code).Text));
        Assert.Equal(12.5m, sheet.Cell(sheet.Rows[0], OrderFields.Quantity).Number);
        Assert.Equal(4.20m, sheet.Cell(sheet.Rows[0], OrderFields.Price).Number);
    }

    [Theory]
    [InlineData("À-pris", "Summa")]
    [InlineData("á-pris", "Belopp")]
    [InlineData("Styckpris", "Summa")]
    [InlineData("Enhetspris", "Belopp")]
    [InlineData("Enhedspris", "Beløb")]
    [InlineData("Unit price", "Amount")]
    public void TheUnitPriceIsTheUnitPriceColumnNotTheLineTotal(string unitPrice, string lineTotal)
    {
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "Artikelnr", "Benämning", "Antal", unitPrice, lineTotal)
            .Row(2, "SE-100", "Skruv M6x20 förzinkad", 10, 2.5, 25)
            .Row(3, "SE-101", "Mutter M6 förzinkad", 4, 1.25, 5);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(unitPrice, sheet.Column(OrderFields.Price).Header);
        Assert.Equal(lineTotal, sheet.Column(OrderFields.LineTotal).Header);
    }

    [Theory]
    [InlineData("Qty", "Each", "Price")]
    [InlineData("Antal", "Netto", "Pris")]
    [InlineData("Menge", "Netto", "Preis")]
    public void AColumnThatIsQuantityTimesAnotherIsNeverTheUnitPrice(string quantity, string factor, string misleading)
    {
        // The header says price, the values say line total: quantity × the column beside it, row by row.
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, "SKU", "Description", quantity, factor, misleading)
            .Row(2, "A-100", "Bolt M6x20 zinc plated", 10, 2.5, 25)
            .Row(3, "A-101", "Nut M6 zinc plated", 4, 1.25, 5)
            .Row(4, "A-102", "Washer M6 zinc plated", 3, 0.1, 0.3);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(factor, sheet.Column(OrderFields.Price).Header);
        Assert.Equal(misleading, sheet.Column(OrderFields.LineTotal).Header);
    }

    public static TheoryData<string[], string[]> MergedHeaders => new()
    {
        { ["Article", "Qty", "Price (EUR)"], ["No.", "Description", "Unit", "Total"] },
        { ["Artikel", "Menge", "Preis (EUR)"], ["Nr.", "Bezeichnung", "Einheit", "Gesamt"] },
        { ["Article", "Quantité", "Prix (EUR)"], ["Réf.", "Désignation", "Unitaire", "Total"] },
    };

    [Theory]
    [MemberData(nameof(MergedHeaders))]
    public void ATwoRowMergedHeaderReadsUnitUnderPriceAsThePriceAndIsNoLine(string[] groups, string[] subs)
    {
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, groups[0], null, groups[1], groups[2])
            .Row(2, subs[0], subs[1], null, subs[2], subs[3])
            .Row(3, "4711-0032", "Bolt M6x20 zinc plated", 10, 0.5, 5)
            .Row(4, "4711-0045", "Nut M6 zinc plated", 20, 0.1, 2)
            .Merge("A1:B1").Merge("C1:C2").Merge("D1:E1");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(2, sheet.HeaderRowNumber);
        Assert.Equal([3, 4], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal(["A", "B", "C", "D", "E"], new[] { OrderFields.Code, OrderFields.Description, OrderFields.Quantity, OrderFields.Price, OrderFields.LineTotal }
            .Select(f => sheet.Column(f).Letter));
        Assert.DoesNotContain(sheet.Columns, c => c.SynonymField == OrderFields.Unit);
        Assert.Equal(0.5m, sheet.Cell(sheet.Rows[0], OrderFields.Price).Number);
    }
}
