using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrderPlatform.TaskDispatcher.Completion;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// A producer's completion endpoint on a fixed loopback port: it can be "down" (nothing listening) until
/// <see cref="StartAsync"/>; it verifies each signature with the shared key and keeps what it received.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string SigningKey = "test-signing-key-0123456789abcdef";
    private WebApplication? _app;

    public WebhookReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public string Origin => $"http://127.0.0.1:{Port}";

    public Uri Url => new($"{Origin}/hooks/tasks");

    public ConcurrentQueue<Received> Calls { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls(Origin);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/tasks", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = request.Headers[WebhookSender.TimestampHeader].ToString();
            // Recomputed here, not with the sender's helper, so a wrong signature cannot agree with itself.
            var signed = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray());
            var valid = request.Headers[WebhookSender.SignatureHeader] == "sha256=" + Convert.ToHexStringLower(signed);
            Calls.Enqueue(new Received(request.Headers["Idempotency-Key"].ToString(), valid,
                JsonSerializer.Deserialize<CompletionReport>(body, WebhookSender.Json)!, request.Headers["traceparent"].FirstOrDefault()));
            return Results.Ok();
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public sealed record Received(string IdempotencyKey, bool SignatureValid, CompletionReport Report, string? TraceParent);
}
