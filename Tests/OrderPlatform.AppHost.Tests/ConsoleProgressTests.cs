using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderPlatform.AppHost.Tests;

/// <summary>The AppHost's console progress (ResourceProgressReporter), as a headless run or a script reads it.</summary>
[Collection(FullApps.Name)]
public sealed partial class ConsoleProgressTests
{
    [Fact]
    public async Task TheConsoleFollowsEachResourceFromItsFirstStateWithTheTimeItChanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var apphost = await AppHostProcess.StartAsync(Launch.NoTerminal, ct);
        var all = await apphost.WaitAllHealthyAsync(ct);
        // Up to the all-healthy line: what comes after it (a later change of health) is not the start.
        var console = apphost.Console;
        var lines = Progress().Matches(console[..all.Index]).Select(m => (Ms: long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Resource: m.Groups[2].Value, State: m.Groups[3].Value.Trim())).ToList();
        var tail = ProcessHygieneTests.Tail(console);

        // The times are those of the changes, in the order they happened, and none is after the all-healthy line.
        Assert.True(lines.Zip(lines.Skip(1)).All(p => p.First.Ms <= p.Second.Ms), $"times out of order:{Environment.NewLine}{tail}");
        Assert.True(lines[^1].Ms <= long.Parse(all.Groups[2].Value, CultureInfo.InvariantCulture), $"{lines[^1]} later than the all-healthy line{Environment.NewLine}{tail}");
        // What DCP runs is seen from before it runs: a reporter that starts late would see the Api first as Running.
        foreach (var resource in new[] { "temporal", "api", "teamsbot", "worker", "flowrunner", "taskdispatcher" })
        {
            var own = lines.Where(l => l.Resource == resource).ToList();
            Assert.True(own.Count >= 2, $"{resource}: {own.Count} progress lines{Environment.NewLine}{tail}");
            Assert.True(own[0].State is "Starting" or "Waiting", $"{resource} was first reported {own[0].State}{Environment.NewLine}{tail}");
            Assert.Equal("Running (healthy)", own[^1].State);
            Assert.True(own[^1].Ms > own[0].Ms, $"{resource}: first and last line at the same time{Environment.NewLine}{tail}");
        }
    }

    [GeneratedRegex(@"\[\+\s*(\d+) ms\] (\S+)\s+([^\r\n]+)")]
    private static partial Regex Progress();
}
