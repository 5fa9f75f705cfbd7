using System.Globalization;

namespace Aspire.Hosting.LocalProcesses;

/// <summary>
/// Runs Azurite (pinned, npm-installed once into the tools cache) with Node on a resource's <c>blob</c>, <c>queue</c>
/// and <c>table</c> endpoints: the local stand-in for the Azurite container where no engine answers.
/// </summary>
public sealed class AzuriteLauncher : ILocalProcessLauncher
{
    /// <summary>The Azurite version installed with npm (and the container tag used where an engine answers).</summary>
    public const string Version = "3.37.0";

    /// <inheritdoc />
    public string? MissingPrerequisite() => NpmPackage.MissingPrerequisite("Azurite");

    /// <inheritdoc />
    public async Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken)
    {
        var package = await NpmPackage.EnsureInstalledAsync(context, "azurite", Version, Path.Combine("dist", "src", "azurite.js"), cancellationToken).ConfigureAwait(false);
        var data = Path.Combine(context.DataDirectory, "data");
        Directory.CreateDirectory(data);
        string Port(string name) => context.Port(name).ToString(CultureInfo.InvariantCulture);
        return new LocalProcessSpec(Binaries.Find("node")!, [Path.Combine(package, "dist", "src", "azurite.js"),
            "--blobHost", "127.0.0.1", "--blobPort", Port("blob"),
            "--queueHost", "127.0.0.1", "--queuePort", Port("queue"),
            "--tableHost", "127.0.0.1", "--tablePort", Port("table"),
            "--location", data, "--skipApiVersionCheck", "--disableProductStyleUrl"])
        {
            // Azurite closes its servers on SIGINT; on SIGTERM it would sit out the whole grace period.
            StopSignal = StopSignal.Interrupt,
            // Having closed them (its data saved) it still runs for about 100 s on its own timers.
            ClosedWhenLogged = ["Blob service successfully closed", "Queue service successfully closed", "Table service successfully closed"],
        };
    }
}
