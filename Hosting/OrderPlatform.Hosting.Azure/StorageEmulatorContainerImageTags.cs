namespace Aspire.Hosting.Azure;

/// <summary>The Azurite image <c>RunAsEmulator</c> names (the version the repo also installs from npm).</summary>
internal static class StorageEmulatorContainerImageTags
{
    /// <remarks>mcr.microsoft.com</remarks>
    public const string Registry = "mcr.microsoft.com";

    /// <remarks>azure-storage/azurite</remarks>
    public const string Image = "azure-storage/azurite";

    /// <remarks>3.37.0</remarks>
    public const string Tag = "3.37.0";
}
