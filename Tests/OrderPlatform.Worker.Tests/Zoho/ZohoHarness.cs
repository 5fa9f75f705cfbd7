using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Zoho;

/// <summary>A clock tests move by hand; only "now" is faked, timers stay real.</summary>
public sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Collects every log line so tests can prove no secret is ever written.</summary>
public sealed class CapturingLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}

internal static class ZohoHarness
{
    /// <summary>The Worker's real Zoho registration, pointed at the fake (or unconfigured when it is null).</summary>
    public static ServiceProvider Services(FakeZohoBooks? fake, CapturingLogs? logs = null, TimeProvider? time = null,
        Action<Dictionary<string, string?>>? configure = null) => Collection(fake, logs, time, configure).BuildServiceProvider();

    /// <summary>The same registration, for tests that add services of their own before building.</summary>
    public static ServiceCollection Collection(FakeZohoBooks? fake, CapturingLogs? logs = null, TimeProvider? time = null,
        Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>();
        if (fake is not null)
        {
            settings["Zoho:ClientId"] = FakeZohoBooks.ClientId;
            settings["Zoho:ClientSecret"] = FakeZohoBooks.ClientSecret;
            settings["Zoho:RefreshToken"] = FakeZohoBooks.RefreshToken;
            settings["Zoho:OrganizationId"] = FakeZohoBooks.Organization;
            settings["Zoho:AccountsUrl"] = fake.Address.ToString();
            settings["Zoho:UnknownOutcomeSettleDelay"] = "00:00:00.050";
        }

        configure?.Invoke(settings);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.AddProvider(logs ?? new CapturingLogs()).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddZohoBooks();
        return services;
    }

    public static ZohoSalesOrderRequest Order(string caseId, string customerId = "460000000026049") =>
        new(customerId, "2026-11-22", caseId, [new ZohoLineItem("460000000027009", 12, 4.50m)]);
}
