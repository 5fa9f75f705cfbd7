using DocumentFormat.OpenXml.Spreadsheet;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

public sealed class TableDetectionTests
{
    [Fact]
    public void GermanHeaderRowBelowAMetadataBlockIsFoundAndMapped()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(8, sheet.HeaderRowNumber);
        Assert.Equal("B", sheet.Column(OrderFields.Code).Letter);
        Assert.Equal("C", sheet.Column(OrderFields.Description).Letter);
        Assert.Equal("D", sheet.Column(OrderFields.Quantity).Letter);
        Assert.Equal("E", sheet.Column(OrderFields.Unit).Letter);
        Assert.Equal("F", sheet.Column(OrderFields.Price).Letter);
        Assert.Equal([9, 10, 11], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal(10m, sheet.Cell(sheet.Rows[0], OrderFields.Quantity).Number);
    }

    [Fact]
    public void MetadataAboveTheHeaderGivesCustomerPoNumberAndDeliveryDate()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);

        var metadata = ParserHarness.Parse(book).Metadata.ToDictionary(m => m.Key);

        Assert.Equal("10234", metadata[OrderFields.Customer].Value);
        Assert.Equal("B2", metadata[OrderFields.Customer].CellReference);
        Assert.Equal("PO-2026-118", metadata[OrderFields.PoNumber].Value);
        Assert.Equal(new DateOnly(2026, 3, 15), metadata[OrderFields.DeliveryDate].Date);
    }

    [Fact]
    public void FrenchAndEnglishHeadersWithDiacriticsAndNumberNoiseAreRecognised()
    {
        var book = new XlsxBuilder();
        book.Sheet("Commande")
            .Row(1, "Référence", "Désignation", "Qté", "Unité", "Prix unitaire")
            .Row(2, "REF-001", "Vis à bois 4x40", 100, "pcs", 0.12);
        var english = new XlsxBuilder();
        english.Sheet("Order").Row(1, "Item No.", "Description", "Quantity", "UoM", "Unit Price", "EAN")
            .Row(2, "AB 100", "Hex bolt M8", 5, "ea", 1.5, 4006381333931);

        var fr = ParserHarness.Parse(book);
        var en = ParserHarness.Parse(english);

        Assert.Equal(["code", "description", "quantity", "unit", "price"], fr.Columns.Select(c => c.SynonymField));
        Assert.Equal(["code", "description", "quantity", "unit", "price", "ean"], en.Columns.Select(c => c.SynonymField));
    }

    [Fact]
    public void HiddenSheetsAndAPriceListWithoutQuantitiesLoseToTheOrderSheet()
    {
        var book = new XlsxBuilder();
        var prices = book.Sheet("Preisliste").Row(1, "Art.-Nr.", "Bezeichnung", "Preis");
        for (var i = 0; i < 300; i++)
        {
            prices.Row(2 + i, $"9000-{i:0000}", $"Artikel Nummer {i} lang", 1.15 + i);
        }

        ParserHarness.GermanOrder(book, lines: 42);
        var hidden = book.Sheet("Lookup", SheetStateValues.Hidden).Row(1, "Art.-Nr.", "Bezeichnung", "Menge");
        for (var i = 0; i < 100; i++)
        {
            hidden.Row(2 + i, $"1111-{i:0000}", "Verstecktes Produkt X", 5);
        }

        var sheet = ParserHarness.Parse(book);

        Assert.Equal("Bestellung", sheet.SheetName);
        Assert.Equal(42, sheet.Rows.Count);
        Assert.Empty(sheet.Questions);
    }

    [Fact]
    public void TwoSheetsWithCloseScoresAreAskedAboutInsteadOfGuessed()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, "Bestellung KW10", lines: 10);
        ParserHarness.GermanOrder(book, "Bestellung KW11", lines: 9);

        var sheet = ParserHarness.Parse(book);

        var question = Assert.Single(sheet.Questions, q => q.Topic == "sheet");
        Assert.Equal(["Bestellung KW10", "Bestellung KW11"], question.Options);
    }

    [Fact]
    public void AnExcelTableIsUsedEvenWhenAnotherSheetScoresHigher()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 20);
        book.Sheet("Tabelle").Row(3, "SKU", "Qty").Row(4, "X-1", 2).Row(5, "X-2", 3).Table("A3:B5");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal("Tabelle", sheet.SheetName);
        Assert.StartsWith("table", sheet.SheetBasis, StringComparison.Ordinal);
        Assert.Equal(2, sheet.Rows.Count);
    }

    [Fact]
    public void ANamedRangeThatReadsAsALineTableIsUsedFirstAndOtherNamesAreIgnored()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book, lines: 20);
        book.Sheet("Order Lines").Row(1, "Kunde", "4711").Row(3, null, "SKU", "Qty").Row(4, null, "X-1", 2).Row(5, null, "X-2", 3);
        book.DefinedName("Customer", "'Order Lines'!$A$1:$B$1").DefinedName("Lines", "'Order Lines'!$B$3:$C$5")
            .DefinedName("_xlnm.Print_Area", "Bestellung!$A$1:$F$30");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(("Order Lines", "named range", 3), (sheet.SheetName, sheet.SheetBasis, sheet.HeaderRowNumber!.Value));
        Assert.Equal(["X-1", "X-2"], sheet.Rows.Select(r => sheet.Cell(r, OrderFields.Code).Text));
    }

    [Fact]
    public void NotesBesideTheTableAndAnIslandAboveItAreNotPartOfTheLines()
    {
        var book = new XlsxBuilder();
        book.Sheet("Order")
            .Row(1, "Customer", "ACME Ltd").Row(2, "PO number", "7781")
            .Row(4, "SKU", "Description", "Qty", null, "Note: deliver to gate 3")
            .Row(5, "A-100", "Widget large blue", 4, null, "call before")
            .Row(6, "A-200", "Widget small red", 6);

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(3, sheet.Columns.Count);
        Assert.Equal(2, sheet.Rows.Count);
        Assert.Equal("ACME Ltd", sheet.Metadata.Single(m => m.Key == OrderFields.Customer).Value);
    }

    [Fact]
    public void TwoRowHeaderJoinsGroupAndSubAndMapsTheNetPrice()
    {
        var book = new XlsxBuilder();
        book.Sheet("Bestellung")
            .RowFrom(7, 4, "Preis")
            .Row(8, "Art.-Nr.", "Bezeichnung", "Menge", "ME", "netto", "brutto")
            .Row(9, "4711-0032", "Schraube M6x20", 10, "Stk", 4.5, 5.36)
            .Merge("E7:F7");

        var sheet = ParserHarness.Parse(book);

        Assert.Equal(["Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis / netto", "Preis / brutto"], sheet.Columns.Select(c => c.Header));
        Assert.Equal("Preis / netto", sheet.Column(OrderFields.Price).Header);
        Assert.Null(sheet.Columns[5].SynonymField);
    }

    [Fact]
    public void MergedCategoryCellsAreCopiedDownAndNeverBecomeLines()
    {
        var book = new XlsxBuilder();
        book.Sheet("Bestellung")
            .Row(9, "Kategorie", "Art.-Nr.", "Bezeichnung", "Menge")
            .Row(10, "Schrauben", "4711-0032", "Schraube M6", 10)
            .Row(11, null, "4711-0045", "Schraube M8", 5)
            .Row(12, null, "4711-0050", "Schraube M10", 2)
            .Merge("A10:A12");

        var sheet = ParserHarness.Parse(book);

        Assert.All(sheet.Rows, r => Assert.Equal("Schrauben", r.Cells[0].Text));
        Assert.DoesNotContain(sheet.Rows, r => sheet.Cell(r, OrderFields.Description).Text == "Schrauben");
    }

    [Fact]
    public void TotalsRepeatedHeadersAndNotesAreSkippedAndTheTableEndsAtTheFirstEmptyRow()
    {
        var book = new XlsxBuilder();
        TestSheets.LinesBetweenTotalsAndNotes(book.Sheet("Bestellung"));

        var sheet = ParserHarness.Parse(book);

        Assert.Equal([2, 5, 7], sheet.Rows.Select(r => r.RowNumber));
        Assert.Equal([3, 4, 6, 8], sheet.SkippedRows);
    }

    [Fact]
    public void ASheetWithoutAnyHeaderStillYieldsItsRowsForTheCommittee()
    {
        var book = new XlsxBuilder();
        book.Sheet("Sheet1")
            .Row(1, "4711-0032", "Schraube M6x20 verzinkt", 10, 0.25)
            .Row(2, "4711-0045", "Schraube M8x30 verzinkt", 5, 0.35)
            .Row(3, "4711-0050", "Mutter M10 verzinkt", 20, 0.05);

        var sheet = ParserHarness.Parse(book);

        Assert.Null(sheet.HeaderRowNumber);
        Assert.Equal(3, sheet.Rows.Count);
        Assert.All(sheet.Columns, c => Assert.Null(c.SynonymField));
    }
}

public sealed class ParsedSheetSerializationTests
{
    [Fact]
    public void AParsedSheetSurvivesTheJsonRoundTripBetweenActivities()
    {
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);
        var sheet = ParserHarness.Parse(book);

        var json = System.Text.Json.JsonSerializer.Serialize(sheet);
        var back = System.Text.Json.JsonSerializer.Deserialize<ParsedSheet>(json)!;

        Assert.Equal(sheet.HeaderFingerprint, back.HeaderFingerprint);
        Assert.Equal(sheet.Rows.SelectMany(r => r.Cells), back.Rows.SelectMany(r => r.Cells));
        Assert.Equal(sheet.Columns, back.Columns);
        Assert.Equal(sheet.Metadata, back.Metadata);
        Assert.DoesNotContain("IsEmpty", json, StringComparison.Ordinal);
    }
}
