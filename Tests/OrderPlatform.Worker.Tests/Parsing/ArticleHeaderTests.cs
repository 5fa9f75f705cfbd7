using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

/// <summary>Article-number headers in the ten languages customers write (issue 14), each named by its synonym.</summary>
public sealed class ArticleHeaderTests
{
    // Description and quantity headers of each language, so every sheet is a plain one-language order.
    private static readonly Dictionary<string, (string Description, string Quantity)> Languages = new()
    {
        ["en"] = ("Description", "Qty"),
        ["de"] = ("Bezeichnung", "Menge"),
        ["nl"] = ("Omschrijving", "Aantal"),
        ["fr"] = ("Désignation", "Qté"),
        ["sv"] = ("Benämning", "Antal"),
        ["da"] = ("Beskrivelse", "Antal"),
        ["no"] = ("Beskrivelse", "Antall"),
        ["it"] = ("Descrizione", "Quantità"),
        ["es"] = ("Descripción", "Cantidad"),
        ["pl"] = ("Nazwa", "Ilość"),
    };

    public static TheoryData<string, string> Headers => new()
    {
        { "en", "SKU" }, { "en", "Item no." }, { "en", "Item code" }, { "en", "Part number" }, { "en", "Article no." },
        { "en", "Product code" }, { "en", "Catalogue no." }, { "en", "Stock code" },
        { "de", "Art.-Nr." }, { "de", "Artikelnummer" }, { "de", "Artikel-Nr." }, { "de", "Materialnummer" },
        { "de", "Teilenummer" }, { "de", "Sachnummer" }, { "de", "Katalognummer" },
        { "nl", "Artikelnummer" }, { "nl", "Artikelnr." }, { "nl", "Art.nr." }, { "nl", "Artikelcode" }, { "nl", "Productcode" },
        { "nl", "Productnummer" }, { "nl", "Onderdeelnummer" },
        { "fr", "Référence" }, { "fr", "Réf." }, { "fr", "Code article" }, { "fr", "N° article" }, { "fr", "Numéro d'article" },
        { "fr", "Réf. article" }, { "fr", "Code produit" },
        { "sv", "Artikelnummer" }, { "sv", "Art.nr" }, { "sv", "Artikelnr" }, { "sv", "Artikelkod" }, { "sv", "Produktnummer" },
        { "sv", "Produktkod" },
        { "da", "Varenummer" }, { "da", "Varenr." }, { "da", "Vare nr." }, { "da", "Varekode" }, { "da", "Produktnummer" },
        { "no", "Varenummer" }, { "no", "Varenr." }, { "no", "Artikkelnummer" }, { "no", "Artikkelnr." }, { "no", "Produktkode" },
        { "it", "Codice" }, { "it", "Codice articolo" }, { "it", "Cod. art." }, { "it", "Cod. articolo" }, { "it", "Codice prodotto" },
        { "it", "Numero articolo" }, { "it", "Rif." },
        { "es", "Código" }, { "es", "Código de artículo" }, { "es", "Cód. artículo" }, { "es", "Referencia" }, { "es", "Ref." },
        { "es", "Número de artículo" }, { "es", "Código de producto" },
        { "pl", "Indeks" }, { "pl", "Kod" }, { "pl", "Kod produktu" }, { "pl", "Kod towaru" }, { "pl", "Numer katalogowy" },
        { "pl", "Nr katalogowy" }, { "pl", "Symbol" }, { "pl", "Numer artykułu" }, { "pl", "Indeks towaru" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void TheArticleNumberHeaderIsRecognisedByItsSynonym(string language, string header)
    {
        var (description, quantity) = Languages[language];
        var book = new XlsxBuilder();
        book.Sheet("Order").Row(1, header, description, quantity)
            .Row(2, "AB-100", "Bolt M6x20 zinc plated", 10)
            .Row(3, "AB-101", "Nut M6 zinc plated", 20);

        var sheet = ParserHarness.Parse(book);

        var code = sheet.Column(OrderFields.Code);
        Assert.Equal((header, "A"), (code.Header, code.Letter));
        Assert.Equal("B", sheet.Column(OrderFields.Description).Letter);
        Assert.Equal("C", sheet.Column(OrderFields.Quantity).Letter);
    }
}
