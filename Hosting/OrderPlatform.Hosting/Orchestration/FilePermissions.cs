namespace OrderPlatform.Hosting.Orchestration;

/// <summary>Files holding secrets (generated passwords, redis.conf) are readable by their owner only.</summary>
internal static class FilePermissions
{
    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
