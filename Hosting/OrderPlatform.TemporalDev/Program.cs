using System.Runtime.InteropServices;
using OrderPlatform.TemporalDev.CommandLine;

namespace OrderPlatform.TemporalDev;

// An explicit internal Program, not top-level statements: for those the ASP.NET Core generator emits a public
// Program class, which collides with the services' own Program in any test that references both through Hosting.
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await using var server = await TemporalDevServer.StartAsync(options, stop.Token);
        Console.WriteLine($"Temporal dev server (OrderPlatform.TemporalDev) listening on {server.Target}");
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }
}
