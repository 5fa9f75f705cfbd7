using System.Runtime.CompilerServices;
using System.Text;

namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>A value known only when the app runs (a port, a generated password, a connection string).</summary>
public interface IValueProvider
{
    /// <summary>The real value; valid once the orchestrator has allocated endpoints and parameters.</summary>
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>A value as a manifest expression such as <c>{postgres.connectionString}</c>.</summary>
public interface IManifestExpressionProvider
{
    /// <summary>The expression written when publishing.</summary>
    string ValueExpression { get; }
}

/// <summary>
/// An interpolated string whose holes are late-bound values: it yields a real string when running and a manifest
/// expression when publishing, so one model drives run, manifest and VM publishing (Aspire's ReferenceExpression).
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly IReadOnlyList<object> _parts;

    private ReferenceExpression(IReadOnlyList<object> parts) => _parts = parts;

    /// <summary>The holes, for dependency discovery (which resources this expression references).</summary>
    public IEnumerable<object> ValueProviders => _parts.Where(p => p is not string);

    /// <summary>Builds an expression from an interpolated string: <c>ReferenceExpression.Create($"Host={ep.Property(EndpointProperty.Host)}")</c>.</summary>
    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) => new(handler.Parts);

    /// <summary>A literal expression.</summary>
    public static ReferenceExpression Literal(string value) => new([value]);

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var sb = new StringBuilder();
        foreach (var part in _parts)
        {
            sb.Append(part is string s ? s : await ((IValueProvider)part).GetValueAsync(cancellationToken));
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public string ValueExpression => string.Concat(_parts.Select(p =>
        p is string s ? s.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
        : ((IManifestExpressionProvider)p).ValueExpression));

    /// <summary>Interpolated string handler collecting literals and value holes.</summary>
    [InterpolatedStringHandler]
    public readonly struct ExpressionInterpolatedStringHandler
    {
        internal List<object> Parts { get; }

        /// <summary>Called by the compiler.</summary>
        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount) => Parts = new(formattedCount * 2 + 1);

        /// <summary>Called by the compiler.</summary>
        public void AppendLiteral(string value) => Parts.Add(value);

        /// <summary>A plain string hole is a literal.</summary>
        public void AppendFormatted(string? value) => Parts.Add(value ?? "");

        /// <summary>A late-bound hole.</summary>
        public void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider => Parts.Add(value);
    }
}

/// <summary>What part of an allocated endpoint a reference wants.</summary>
public enum EndpointProperty
{
    /// <summary><c>scheme://host:port</c>.</summary>
    Url,
    /// <summary>Host name.</summary>
    Host,
    /// <summary>Port others use.</summary>
    Port,
    /// <summary>URI scheme.</summary>
    Scheme,
    /// <summary>Port the process listens on.</summary>
    TargetPort,
    /// <summary><c>host:port</c>.</summary>
    HostAndPort,
}

/// <summary>A reference to a named endpoint of a resource.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The owning resource.</summary>
    public IResourceWithEndpoints Resource { get; } = resource;

    /// <summary>The endpoint's name.</summary>
    public string EndpointName { get; } = endpointName;

    /// <summary>The endpoint annotation; throws with the known names when it does not exist.</summary>
    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfKind<EndpointAnnotation>().FirstOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException(
            $"Resource '{Resource.Name}' has no endpoint '{EndpointName}' (it has: {string.Join(", ", Resource.Annotations.OfKind<EndpointAnnotation>().Select(e => e.Name))}).");

    /// <summary>A part of the endpoint as a late-bound value.</summary>
    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    /// <summary>The allocated URL once running.</summary>
    public string Url => Annotation.Allocated?.Url
        ?? throw new InvalidOperationException($"Endpoint '{Resource.Name}/{EndpointName}' is not allocated yet: start the app first.");

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) => Property(EndpointProperty.Url).GetValueAsync(cancellationToken);

    string IManifestExpressionProvider.ValueExpression => Property(EndpointProperty.Url).ValueExpression;
}

/// <summary>One property of an endpoint, late-bound.</summary>
public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The endpoint.</summary>
    public EndpointReference Endpoint { get; } = endpoint;

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var annotation = Endpoint.Annotation;
        var allocated = annotation.Allocated
            ?? throw new InvalidOperationException($"Endpoint '{Endpoint.Resource.Name}/{Endpoint.EndpointName}' is not allocated yet.");
        return ValueTask.FromResult<string?>(property switch
        {
            EndpointProperty.Url => allocated.Url,
            EndpointProperty.Host => allocated.Host,
            EndpointProperty.Port => allocated.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            EndpointProperty.Scheme => annotation.Scheme,
            EndpointProperty.TargetPort => (annotation.TargetPort ?? allocated.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => $"{allocated.Host}:{allocated.Port}",
            _ => throw new ArgumentOutOfRangeException(nameof(property)),
        });
    }

    /// <inheritdoc />
    public string ValueExpression
    {
        get
        {
            var prefix = $"{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}";
            return property switch
            {
                EndpointProperty.HostAndPort => $"{{{prefix}.host}}:{{{prefix}.port}}",
                EndpointProperty.TargetPort => $"{{{prefix}.targetPort}}",
                _ => $"{{{prefix}.{property.ToString().ToLowerInvariant()}}}",
            };
        }
    }
}

/// <summary>A resource's connection string as a late-bound value (<c>{name.connectionString}</c>).</summary>
public sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The resource.</summary>
    public IResourceWithConnectionString Resource { get; } = resource;

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);

    /// <inheritdoc />
    public string ValueExpression => $"{{{Resource.Name}.connectionString}}";
}

/// <summary>An output of an Azure Bicep module (<c>{storage.outputs.blobEndpoint}</c>); only meaningful when publishing.</summary>
public sealed class BicepOutputReference(IResource resource, string name) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The Azure resource.</summary>
    public IResource Resource { get; } = resource;

    /// <summary>Output name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"'{Resource.Name}.outputs.{Name}' exists only in Azure; locally the emulator's values are used.");

    /// <inheritdoc />
    public string ValueExpression => $"{{{Resource.Name}.outputs.{Name}}}";
}
