namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Pieces of the bundle tests' models.</summary>
internal static class Models
{
    public static string ServiceProject(string name) => Path.Combine(TestPaths.RepositoryRoot, "Services", name, $"{name}.csproj");

    /// <summary>The exception, or one it wraps, whose message says <paramref name="text"/>.</summary>
    public static Exception Find(Exception? exception, string text)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(text, StringComparison.Ordinal))
            {
                return e;
            }
        }
        throw new Xunit.Sdk.XunitException($"No exception says '{text}': {exception?.ToString() ?? "none was thrown"}");
    }
}
