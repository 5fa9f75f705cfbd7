using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderPlatform.TeamsBot.Tests.Fakes;

/// <summary>Stands in for SharePoint's pre-authenticated download URLs; remembers whether a token was sent.</summary>
public sealed class FakeFileHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> _files = new();
    private readonly ConcurrentQueue<(string Name, string? Authorization)> _downloads = new();
    private LoopbackServer _server = null!;

    public IReadOnlyList<(string Name, string? Authorization)> Downloads => [.. _downloads];

    public static async Task<FakeFileHost> StartAsync()
    {
        var host = new FakeFileHost();
        host._server = await LoopbackServer.StartAsync(app => app.MapGet("/files/{name}", (string name, HttpRequest request) =>
        {
            var authorization = request.Headers.Authorization.ToString();
            host._downloads.Enqueue((name, authorization.Length == 0 ? null : authorization));
            return host._files.TryGetValue(name, out var file) ? Results.File(file.Bytes, file.ContentType) : Results.NotFound();
        }));
        return host;
    }

    /// <summary>Publishes a file and answers the download URL a Teams file attachment would carry.</summary>
    public string Add(string name, byte[] bytes, string contentType = "application/octet-stream")
    {
        var key = $"{Guid.NewGuid():N}-{name}";
        _files[key] = (bytes, contentType);
        return $"{_server.BaseUrl}/files/{Uri.EscapeDataString(key)}?tempauth=secret-temp-token";
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
