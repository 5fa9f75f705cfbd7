namespace OrderPlatform.Hosting.Tests;

/// <summary>
/// Generous bounds: CI has 2 cores shared by parallel test classes, and the first Azurite start installs it with npm.
/// Tests poll with these as upper limits; none sleeps to pass. Linked to xunit's token so a cancelled run stops.
/// </summary>
internal static class TestTimeouts
{
    public static CancellationToken Start => Within(TimeSpan.FromMinutes(4));

    public static CancellationToken Short => Within(TimeSpan.FromSeconds(60));

    private static CancellationToken Within(TimeSpan limit)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(limit);
        return cts.Token;
    }
}
