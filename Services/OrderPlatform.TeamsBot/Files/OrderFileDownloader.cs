using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrderPlatform.ServiceDefaults.Outbound;
using OrderPlatform.TeamsBot.Activities;

namespace OrderPlatform.TeamsBot.Files;

public enum DownloadOutcome { Ok, NotAnOrderFile, UntrustedHost, TooLarge, SharingLink, Failed }

public sealed record DownloadResult(DownloadOutcome Outcome, string FileName, MemoryStream? Content = null);

/// <summary>
/// Fetches a file the user dropped into the personal chat (spec §4). The download URL is pre-authenticated and
/// attacker-controllable, so it gets no bearer token, must be https on SharePoint, is not redirected, and is read
/// only up to the size limit whatever Content-Length claims.
/// </summary>
public sealed class OrderFileDownloader(IOptions<BotOptions> options, IHostEnvironment environment) : IDisposable
{
    private static readonly string[] Extensions = ["xlsx", "xlsm", "xls", "csv"];
    private readonly long _maxBytes = options.Value.MaxFileBytes;
    // Loopback downloads exist only for the Agents Playground in Development.
    private readonly HttpClient _http = new(OutboundHttp.CreateHandler(environment.IsDevelopment() || options.Value.AllowPrivateDownloadTargets))
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>The first file attachment of a message, if any (the text/html mirror of the body is not one).</summary>
    public static Attachment? FindFile(Activity activity) =>
        activity.Attachments?.FirstOrDefault(a => string.Equals(a.ContentType, ActivityTypes.FileDownloadInfo, StringComparison.OrdinalIgnoreCase));

    public async Task<DownloadResult> DownloadAsync(Attachment attachment, CancellationToken cancellationToken)
    {
        var content = attachment.Content is { ValueKind: JsonValueKind.Object } c ? c : default;
        var name = attachment.Name is { Length: > 0 } n ? Path.GetFileName(n) : "order";
        var fileType = Text(content, "fileType") ?? Path.GetExtension(name).TrimStart('.');
        if (!Extensions.Contains(fileType.ToLowerInvariant()))
        {
            return new DownloadResult(DownloadOutcome.NotAnOrderFile, name);
        }

        if (!Uri.TryCreate(Text(content, "downloadUrl"), UriKind.Absolute, out var url) || !IsTrustedHost(url))
        {
            return new DownloadResult(DownloadOutcome.UntrustedHost, name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundRefusedException)
        {
            return new DownloadResult(DownloadOutcome.UntrustedHost, name);
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            return new DownloadResult(DownloadOutcome.Failed, name);
        }

        var buffer = await OutboundHttp.ReadCappedAsync(response.Content, _maxBytes, cancellationToken);
        if (buffer is null)
        {
            return new DownloadResult(DownloadOutcome.TooLarge, name);
        }

        var outcome = Classify(buffer, fileType.ToLowerInvariant(), response.Content.Headers.ContentType);
        if (outcome != DownloadOutcome.Ok)
        {
            await buffer.DisposeAsync();
            return new DownloadResult(outcome, name);
        }

        buffer.Position = 0;
        return new DownloadResult(DownloadOutcome.Ok, name, buffer);
    }

    public void Dispose() => _http.Dispose();

    private bool IsTrustedHost(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttps && url.Host.EndsWith(".sharepoint.com", StringComparison.OrdinalIgnoreCase))
        || (environment.IsDevelopment() && url.IsLoopback);

    private static DownloadOutcome Classify(MemoryStream buffer, string fileType, MediaTypeHeaderValue? contentType)
    {
        var head = buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, 512));
        if (contentType?.MediaType == "text/html" || LooksLikeHtml(head))
        {
            // iOS shares a link page instead of the file (OfficeDev/Microsoft-Teams-Samples#1314).
            return DownloadOutcome.SharingLink;
        }

        return fileType switch
        {
            "xlsx" or "xlsm" => head.StartsWith("PK\x03\x04"u8) ? DownloadOutcome.Ok : DownloadOutcome.NotAnOrderFile,
            "xls" => head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]) ? DownloadOutcome.Ok : DownloadOutcome.NotAnOrderFile,
            _ => DownloadOutcome.Ok,
        };
    }

    private static bool LooksLikeHtml(ReadOnlySpan<byte> head)
    {
        var trimmed = head.TrimStart(" \t\r\n"u8);
        return trimmed.StartsWith("<!DOCTYPE"u8) || trimmed.StartsWith("<!doctype"u8) || trimmed.StartsWith("<html"u8)
            || trimmed.StartsWith("<HTML"u8);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
