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
/// <c>/hang</c> (never answers until the test ends), <c>/hang-once/{key}</c> (hangs on the first call only), <c>/flaky/{key}?failures=</c> (500 that many times, then 200).
/// </summary>
public sealed class FakeTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new();
    private int _inFlight;
    private int _maxInFlight;

    private FakeTarget(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Calls(string key) => _calls.GetValueOrDefault(key);

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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }
}
