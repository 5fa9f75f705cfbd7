namespace OrderPlatform.Tests;

/// <summary>Polling for what a service does asynchronously, with a message that shows the last state on time-out.</summary>
internal static class Eventually
{
    public static Task HoldsAsync(Func<bool> condition, Func<string> what, int timeoutSeconds = 60) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeoutSeconds);

    /// <summary>Polls until <paramref name="condition"/> holds; <paramref name="what"/> is asked only on time-out.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what()}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
