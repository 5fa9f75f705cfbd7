namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>A named node of the app model. All behaviour hangs off its annotations.</summary>
public interface IResource
{
    /// <summary>Unique, lower-case name (letters, digits, '-').</summary>
    string Name { get; }

    /// <summary>Ordered annotations carrying endpoints, environment, waits, health checks and publishing hints.</summary>
    ResourceAnnotationCollection Annotations { get; }
}

/// <summary>Marker: the resource has endpoints others can reference.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>Marker: others find the resource's http endpoints through service discovery (<c>services__...</c>).</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;

/// <summary>Marker: the resource accepts environment variables.</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>Marker: the resource accepts command-line arguments.</summary>
public interface IResourceWithArgs : IResource;

/// <summary>Marker: the resource can wait for others before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>Marker: the resource is a child of another (a database on a server).</summary>
public interface IResourceWithParent : IResource
{
    /// <summary>The resource this one lives in.</summary>
    IResource Parent { get; }
}

/// <summary>A resource others connect to through a connection string.</summary>
public interface IResourceWithConnectionString : IResource, IValueProvider, IManifestExpressionProvider
{
    /// <summary>The connection string as a late-bound expression.</summary>
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>Name under <c>ConnectionStrings__</c>; the resource name unless overridden.</summary>
    string ConnectionStringEnvironmentName => Name;

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);

    string IManifestExpressionProvider.ValueExpression => $"{{{Name}.connectionString}}";
}

/// <summary>Base class: a name and annotations, nothing else.</summary>
public abstract class Resource : IResource
{
    /// <summary>Creates the resource after checking the name.</summary>
    protected Resource(string name)
    {
        ResourceNames.Validate(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ResourceAnnotationCollection Annotations { get; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}({Name})";
}

/// <summary>The annotations of one resource, in the order they were added.</summary>
public sealed class ResourceAnnotationCollection : List<IResourceAnnotation>
{
    /// <summary>All annotations of type <typeparamref name="T"/>.</summary>
    public IEnumerable<T> OfKind<T>() where T : IResourceAnnotation => this.OfType<T>();
}

/// <summary>Marker for annotation records.</summary>
public interface IResourceAnnotation;

internal static class ResourceNames
{
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !char.IsAsciiLetterLower(name[0])
            || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) || name.EndsWith('-'))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use 1-64 lower-case letters, digits or '-', starting with a letter.",
                nameof(name));
        }
    }
}
