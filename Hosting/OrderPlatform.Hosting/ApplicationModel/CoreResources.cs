namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>Strongly typed project metadata generated per ProjectReference (<c>Projects.OrderPlatform_Api</c>).</summary>
public interface IProjectMetadata
{
    /// <summary>Absolute path of the .csproj.</summary>
    string ProjectPath { get; }

    /// <summary>Absolute path of the built assembly for the configuration the host was built in.</summary>
    string TargetPath { get; }
}

/// <summary>A .NET project started from its built output.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithServiceDiscovery, IResourceWithEnvironment, IResourceWithArgs, IResourceWithWaitSupport
{
    /// <summary>Where the project and its output are.</summary>
    public IProjectMetadata Metadata { get; } = metadata;
}

/// <summary>Any executable on this machine (never published: azd rejects executable.v0).</summary>
public sealed class ExecutableResource(string name, string command, string workingDirectory)
    : Resource(name), IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithArgs, IResourceWithWaitSupport
{
    /// <summary>Command (a path or a name found on PATH).</summary>
    public string Command { get; } = command;

    /// <summary>Working directory.</summary>
    public string WorkingDirectory { get; } = workingDirectory;
}

/// <summary>A container image; also the base of backing services that can run as a local executable instead.</summary>
public class ContainerResource(string name)
    : Resource(name), IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithArgs, IResourceWithWaitSupport;

/// <summary>How a parameter's default value is produced.</summary>
public sealed record GenerateParameterDefault(int MinLength = 22, bool Lower = true, bool Upper = true, bool Numeric = true, bool Special = true);

/// <summary>
/// A value supplied from configuration (<c>Parameters:{name}</c>) or generated. Generated values are kept in the
/// data folder so a persisted Postgres keeps its password across runs.
/// </summary>
public sealed class ParameterResource(string name, bool secret) : Resource(name), IValueProvider, IManifestExpressionProvider
{
    /// <summary>Secret values are masked on the dashboard and emitted as secure inputs.</summary>
    public bool Secret { get; } = secret;

    /// <summary>Generator for a missing value (null: the value is required).</summary>
    public GenerateParameterDefault? Generate { get; init; }

    /// <summary>A plain default when not configured.</summary>
    public string? DefaultValue { get; init; }

    /// <summary>Read from <c>ConnectionStrings:{name}</c> instead (AddConnectionString).</summary>
    public bool IsConnectionString { get; init; }

    /// <summary>Optional: absent value is allowed and resolves to an empty string.</summary>
    public bool Optional { get; init; }

    internal string? Value { get; set; }

    /// <summary>The resolved value; available once the app is built in run mode.</summary>
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Value
        ?? (Optional ? "" : throw new InvalidOperationException($"Parameter '{Name}' has no value. Set Parameters:{Name} in configuration.")));

    /// <inheritdoc />
    public string ValueExpression => $"{{{Name}.value}}";
}

/// <summary>A connection string supplied from configuration (<c>ConnectionStrings:{name}</c>).</summary>
public sealed class ConnectionStringParameterResource(ParameterResource parameter) : Resource(parameter.Name), IResourceWithConnectionString
{
    /// <summary>The parameter behind it.</summary>
    public ParameterResource Parameter { get; } = parameter;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parameter}");
}
