using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker.Tests.Zoho;

public sealed class ZohoThrottleTests
{
    [Fact]
    public async Task PastTheSavedUpSixthARequestWaitsForOneTokenAndTheRateStaysTheBudget()
    {
        // 60/min: ten saved up, then one a second.
        using var throttle = new ZohoThrottle(Options.Create(new ZohoOptions { RequestsPerMinute = 60 }));
        var token = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await throttle.WaitAsync(token);
        }

        var burst = clock.Elapsed;
        await throttle.WaitAsync(token);
        var eleventh = clock.Elapsed - burst;
        await throttle.WaitAsync(token);
        await throttle.WaitAsync(token);
        var thirteenth = clock.Elapsed;

        Assert.True(burst < TimeSpan.FromSeconds(1), $"the saved-up sixth took {burst.TotalSeconds:N1} s");
        // One token, not a sixth of the minute: well under the ten seconds the old step replenished in (CI is loaded).
        Assert.True(eleventh < TimeSpan.FromSeconds(4), $"the first request past the burst waited {eleventh.TotalSeconds:N1} s");
        Assert.True(thirteenth >= TimeSpan.FromSeconds(1.9), $"13 requests at 60/min came through in {thirteenth.TotalSeconds:N1} s");
    }
}
