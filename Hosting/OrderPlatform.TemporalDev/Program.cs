using OrderPlatform.TemporalDev;
using OrderPlatform.TemporalDev.CommandLine;

TemporalDevServerOptions options;
try
{
    options = StartDevArguments.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
await using TemporalDevServer server = await TemporalDevServer.StartAsync(options, stop.Token);
Console.WriteLine($"Temporal dev server (OrderPlatform.TemporalDev) listening on {server.Target}");
await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
return 0;
