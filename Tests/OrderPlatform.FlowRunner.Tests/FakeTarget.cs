using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// A tiny Kestrel app on 127.0.0.1 that http steps call: <c>/slow?ms=</c> (records how many calls overlap),
/// <c>/hang</c> (never answers until the test ends), <c>/hang-once/{key}</c> (hangs on the first call only), <c>/flaky/{key}?failures=</c> (500 that many times, then 200),
/// <c>/slow/{key}?ms=</c> (also records overlap per key), <c>/record/{key}</c> (keeps the <c>X-Token</c> header it got).
/// </summary>
public sealed class FakeTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int[]> _keyed = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _tokens = new();
    private int _inFlight;
    private int _maxInFlight;

    private FakeTarget(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Calls(string key) => _calls.GetValueOrDefault(key);

    /// <summary>The most calls of <c>/slow/{key}</c> in flight at once.</summary>
    public int MaxInFlightOf(string key) => _keyed.TryGetValue(key, out var counts) ? Volatile.Read(ref counts[1]) : 0;

    public string? TokenReceived(string key) => _tokens.GetValueOrDefault(key);

    public static async Task<FakeTarget> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTarget(app);
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            var now = Interlocked.Increment(ref fake._inFlight);
            int seen;
            while ((seen = Volatile.Read(ref fake._maxInFlight)) < now && Interlocked.CompareExchange(ref fake._maxInFlight, now, seen) != seen)
            {
            }

            await Task.Delay(ms, ct);
            Interlocked.Decrement(ref fake._inFlight);
            return Results.Ok(new { ok = true });
        });
        app.MapGet("/slow/{key}", async (string key, int ms, CancellationToken ct) =>
        {
            Enter(ref fake._inFlight, ref fake._maxInFlight);
            var counts = fake._keyed.GetOrAdd(key, _ => new int[2]);
            Enter(ref counts[0], ref counts[1]);
            await Task.Delay(ms, ct);
            Interlocked.Decrement(ref counts[0]);
            Interlocked.Decrement(ref fake._inFlight);
            return Results.Ok(new { key });
        });
        app.MapGet("/record/{key}", (string key, HttpRequest request) =>
        {
            fake._tokens[key] = request.Headers["X-Token"].ToString();
            return Results.Ok(new { recorded = true });
        });
        app.MapGet("/hang", async (CancellationToken ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Results.Ok();
        });
        app.MapGet("/hang-once/{key}", async (string key, CancellationToken ct) =>
        {
            if (fake._calls.AddOrUpdate(key, 1, (_, n) => n + 1) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return Results.Ok(new { key, ok = true });
        });
        app.MapGet("/flaky/{key}", (string key, int failures) =>
            fake._calls.AddOrUpdate(key, 1, (_, n) => n + 1) <= failures ? Results.StatusCode(500) : Results.Ok(new { key, ok = true }));
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    private static void Enter(ref int inFlight, ref int max)
    {
        var now = Interlocked.Increment(ref inFlight);
        int seen;
        while ((seen = Volatile.Read(ref max)) < now && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }
}
