using System.Runtime.InteropServices;
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
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
await using TemporalDevServer server = await TemporalDevServer.StartAsync(options, stop.Token);
Console.WriteLine($"Temporal dev server (OrderPlatform.TemporalDev) listening on {server.Target}");
await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
