namespace OrderPlatform.OrderSheets;

/// <summary>
/// The default dictionaries, in the languages customers write: English, German, Dutch, French, Swedish, Danish,
/// Norwegian, Italian, Spanish and Polish. Entries are normalised before matching (case, diacritics, "Nr."/"No."
/// noise), so "Art.-Nr.", "Art. Nr" and "ART NR" are one entry.
/// </summary>
public sealed partial class Synonyms
{
    private static readonly Dictionary<string, string[]> DefaultColumns = new()
    {
        [OrderFields.Code] = [
            "SKU", "Art.-Nr.", "Artikelnummer", "Artikel-Nr", "Artikel", "Item code", "Item no", "Item", "Item number",
            "Ref", "Référence", "Reference", "Part number", "Part no", "Material", "Materialnummer", "Code",
            "Product code", "Article", "Article number", "Code article", "Référence article", "Réf.",
            "Artikelnr", "Artnr", "Artikelcode", "Bestelnummer", "Productcode", "Produktnummer", "Produktnr",
            "Varenummer", "Varenr", "Varekode", "Codice", "Codice articolo", "Cod. art.", "Código",
            "Código de artículo", "Referencia", "Indeks", "Kod", "Kod produktu", "Numer katalogowy", "Symbol",
            "Catalogue", "Catalog", "Catalogue number", "Catalog number", "Stock code", "Teilenummer", "Sachnummer",
            "Katalognummer", "Productnummer", "Onderdeelnummer", "Numéro d'article", "Réf. article", "Code produit",
            "Artikelkod", "Produktkod", "Vare nr.", "Artikkelnummer", "Artikkelnr", "Produktkode", "Cod. articolo",
            "Codice prodotto", "Numero articolo", "Rif.", "Riferimento", "Cód. artículo", "Número de artículo",
            "Código de producto", "Kod towaru", "Nr katalogowy", "Numer artykułu", "Indeks towaru", "Kod artykułu"],
        [OrderFields.Ean] = ["EAN", "GTIN", "Barcode", "UPC", "EAN-Code", "Code EAN", "Streckkod", "Stregkode", "Strekkode", "Kod EAN"],
        [OrderFields.Description] = [
            "Description", "Bezeichnung", "Artikelbezeichnung", "Désignation", "Libellé", "Product", "Name",
            "Beschreibung", "Produkt", "Item description", "Item name", "Product name", "Omschrijving",
            "Artikelomschrijving", "Benämning", "Beskrivning", "Beskrivelse", "Varebeskrivelse", "Produktnavn",
            "Descrizione", "Descripción", "Nazwa", "Nazwa towaru", "Opis"],
        [OrderFields.Quantity] = [
            "Qty", "Quantity", "Menge", "Anzahl", "Stk", "Stück", "Quantité", "Qté", "Pcs", "Bestellmenge", "Order qty",
            "Aantal", "Antal", "Antall", "Quantità", "Q.tà", "Qtà", "Cantidad", "Cant.", "Ilość", "Stückzahl"],
        [OrderFields.Unit] = [
            "Unit", "UoM", "Einheit", "ME", "Unité", "Mengeneinheit", "Eenheid", "Enhet", "Enhed", "Unità", "UM",
            "U.M.", "Unidad", "Jednostka", "J.m.", "VE", "VPE"],
        [OrderFields.Price] = [
            "Price", "Unit price", "Preis", "Einzelpreis", "Prix", "Prix unitaire", "Net price", "Nettopreis",
            "Stückpreis", "PU", "Price each", "Unit cost", "Prijs", "Stukprijs", "Eenheidsprijs", "À-pris", "A-pris",
            "Styckpris", "Enhetspris", "Pris", "Stykpris", "Enhedspris", "Pris per stk", "Prezzo", "Prezzo unitario",
            "Precio", "Precio unitario", "Cena", "Cena jednostkowa", "Cena netto"],
        [OrderFields.LineTotal] = [
            "Total", "Line total", "Total price", "Amount", "Sum", "Gesamtpreis", "Gesamt", "Betrag", "Summe",
            "Montant", "Prix total", "Bedrag", "Totaal", "Totaalprijs", "Summa", "Belopp", "Beløb", "Beløp",
            "Totalpris", "Importo", "Totale", "Importe", "Wartość", "Wartość netto"],
    };

    private static readonly Dictionary<string, string[]> MetadataKeys = new()
    {
        [OrderFields.Customer] = [
            "Kunde", "Customer", "Client", "Kundennr.", "Kundennummer", "Customer no", "Customer number", "Kunden-Nr",
            "N° client", "Account", "Account no", "Sold to", "Klant", "Klantnummer", "Klantnr", "Debiteur",
            "Debiteurnummer", "Kund", "Kundnummer", "Kundnr", "Kundenummer", "Kundenr", "Cliente", "Codice cliente",
            "Número de cliente", "Klient", "Nr klienta", "Numéro client"],
        [OrderFields.PoNumber] = [
            "Bestellnr.", "Bestellnummer", "PO", "PO number", "PO no", "Order no", "Order number", "N° de commande",
            "Purchase order", "Bestellung", "Inkoopordernummer", "Ordernummer", "Bestelnummer", "Inköpsorder",
            "Ordernummer", "Beställningsnummer", "Bestillingsnummer", "Indkøbsordre", "Ordine", "Numero ordine",
            "Número de pedido", "Pedido", "Numer zamówienia", "Zamówienie", "Numéro de commande", "Bon de commande"],
        [OrderFields.DeliveryDate] = [
            "Liefertermin", "Lieferdatum", "Delivery date", "Date de livraison", "Wunschtermin", "Leverdatum",
            "Leveransdatum", "Leveringsdato", "Data di consegna", "Fecha de entrega", "Data dostawy", "Required by"],
        [OrderFields.OrderDate] = [
            "Bestelldatum", "Order date", "Date de commande", "Datum", "Date", "Orderdatum", "Besteldatum",
            "Orderdato", "Bestillingsdato", "Data ordine", "Fecha de pedido", "Fecha", "Data zamówienia", "Data"],
    };

    // Words that open a title sentence naming the order ("Purchase order PO-1 dated …"), besides the PO labels.
    private static readonly string[] SentenceKeywords =
        ["Purchase order", "Order", "Bestellung", "Auftrag", "Commande", "Bon de commande", "Inkooporder", "Bestelling",
         "Beställning", "Bestilling", "Ordine", "Pedido", "Zamówienie"];

    // Line totals, subtotals and grand totals, for the rows R8 skips.
    private static readonly string[] TotalKeywords =
        ["total", "subtotal", "sub total", "grand total", "sum", "summe", "zwischensumme", "gesamt", "gesamtsumme",
         "total ht", "total ttc", "sous total", "totaal", "subtotaal", "summa", "delsumma", "totalt", "totalsumma",
         "i alt", "sum i alt", "subtotale", "totale", "suma", "razem", "suma czesciowa", "podsuma", "carried forward"];

    // Looked up by span, without allocating, for the first word of every text cell of a table.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TotalFirstWords =
        new HashSet<string>(TotalKeywords.Select(k => k.Split(' ')[0]), StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Totals of a part of the table: between sections, never its end.
    private static readonly HashSet<string> SubtotalKeywords =
        ["subtotal", "sub total", "zwischensumme", "sous total", "subtotaal", "delsumma", "subtotale", "suma czesciowa",
         "podsuma", "carried forward"];
}
