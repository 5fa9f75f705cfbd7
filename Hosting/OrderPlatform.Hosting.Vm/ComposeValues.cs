using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

namespace Aspire.Hosting.Vm;

/// <summary>
/// Turns the publish-mode values of the app model (the late-bound values the manifest writes as <c>{res.…}</c>) into
/// Docker Compose text for the VM: hosts are compose service names, ports are target ports, parameters are
/// <c>${NAME}</c> read from <c>.env</c>, and resources without a container of their own go through the
/// <see cref="AzureOnVm"/>.
/// </summary>
internal sealed partial class ComposeValues
{
    private const int MaxDepth = 16;

    private readonly List<ParameterResource> _parameters = [];

    /// <summary>The parameters the resolved values read, in the order first met (generated passwords are not in the model).</summary>
    public IReadOnlyList<ParameterResource> Parameters => _parameters;

    /// <summary>The <c>.env</c> variable holding a parameter's value.</summary>
    public static string Variable(string name) => name.ToUpperInvariant().Replace('-', '_');

    /// <summary>Literal text as compose text: compose would interpolate a lone <c>$</c>.</summary>
    public static string Escape(string literal) => literal.Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>The compose service name of a resource (compose wants lower case; Aspire names ignore case).</summary>
    public static string ServiceName(IResource resource) => resource.Name.ToLowerInvariant();

    /// <summary>The port a resource's endpoint listens on inside the compose network.</summary>
    public static int TargetPort(IResource resource, EndpointAnnotation endpoint) =>
        endpoint.TargetPort ?? (resource is ProjectResource ? VmBundleOptions.ProjectPort : endpoint.Port
            ?? throw new DistributedApplicationException($"Endpoint '{resource.Name}/{endpoint.Name}' needs a target port for the VM bundle."));

    /// <summary>An environment or argument value (a string or a late-bound value) as compose text.</summary>
    public ValueTask<string> ResolveAsync(object? value, CancellationToken cancellationToken) => ResolveAsync(value, 0, cancellationToken);

    private async ValueTask<string> ResolveAsync(object? value, int depth, CancellationToken ct)
    {
        if (depth > MaxDepth)
        {
            throw new DistributedApplicationException($"A value nests more than {MaxDepth} levels deep: {Describe(value)}.");
        }
        switch (value)
        {
            case null:
                return "";
            case string s:
                return Escape(s);
            case ParameterResource p:
                if (!_parameters.Contains(p))
                {
                    _parameters.Add(p);
                }
                return $"${{{Variable(p.Name)}}}";
            case ConnectionStringReference c:
                return await ResolveAsync(c.Resource, depth + 1, ct).ConfigureAwait(false);
            case IResource r when AzureOnVm.Handles(r):
                return AzureOnVm.ConnectionString(r);
            case IResourceWithConnectionString r:
                return await ResolveAsync(r.ConnectionStringExpression, depth + 1, ct).ConfigureAwait(false);
            case IResource r:
                throw new DistributedApplicationException($"Resource '{r.Name}' has no connection string to place in the VM bundle.");
            case EndpointReference e:
                return Binding(e, EndpointProperty.Url);
            case EndpointReferenceExpression e:
                return Binding(e.Endpoint, e.Property);
            case ReferenceExpression { IsConditional: true } e:
                var condition = await ResolveAsync(e.Condition, depth + 1, ct).ConfigureAwait(false);
                if (condition.Contains("${", StringComparison.Ordinal))
                {
                    throw new DistributedApplicationException($"'{e.ValueExpression}' depends on {condition}, which is known only on the VM.");
                }
                var branch = string.Equals(condition, e.MatchValue, StringComparison.OrdinalIgnoreCase) ? e.WhenTrue! : e.WhenFalse!;
                return await ResolveAsync(branch, depth + 1, ct).ConfigureAwait(false);
            case ReferenceExpression e:
                return await FormatAsync(e, depth, ct).ConfigureAwait(false);
            case BicepOutputReference o when AzureOnVm.Handles(o.Resource) && AzureOnVm.Output(o.Resource, o.Name) is { } text:
                return text;
            case IManifestExpressionProvider p:
                throw new DistributedApplicationException($"'{p.ValueExpression}' has no value on the VM (it exists only where the resource is deployed, e.g. an Azure output).");
            case IValueProvider:
                throw new DistributedApplicationException($"The VM bundle cannot place a value of type {value.GetType().Name}.");
            default:
                return Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        }
    }

    private async ValueTask<string> FormatAsync(ReferenceExpression e, int depth, CancellationToken ct)
    {
        var args = new object[e.ValueProviders.Count];
        for (var i = 0; i < args.Length; i++)
        {
            var text = await ResolveAsync(e.ValueProviders[i], depth + 1, ct).ConfigureAwait(false);
            args[i] = e.StringFormats.ElementAtOrDefault(i) switch
            {
                null => text,
                var f when f.Equals("uri", StringComparison.OrdinalIgnoreCase) => UriEscape(text),
                var f => throw new DistributedApplicationException($"Format '{f}' in '{e.ValueExpression}' is not supported."),
            };
        }
        // The format's own text is literal; its placeholders never hold a '$'.
        return string.Format(CultureInfo.InvariantCulture, Escape(e.Format), args);
    }

    /// <summary>
    /// URI-encodes the literal parts of compose text; a <c>${NAME}</c> stays as it is, since compose puts the value in
    /// unencoded (the secrets the VM generates are letters and digits only).
    /// </summary>
    private static string UriEscape(string composeText)
    {
        var sb = new StringBuilder();
        var last = 0;
        foreach (Match m in VariablePattern().Matches(composeText))
        {
            sb.Append(Uri.EscapeDataString(Unescape(composeText[last..m.Index]))).Append(m.Value);
            last = m.Index + m.Length;
        }
        return sb.Append(Uri.EscapeDataString(Unescape(composeText[last..]))).ToString();

        static string Unescape(string text) => text.Replace("$$", "$", StringComparison.Ordinal);
    }

    private string Binding(EndpointReference reference, EndpointProperty property)
    {
        var resource = reference.Resource;
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(a => a.Name == reference.EndpointName)
            ?? throw new DistributedApplicationException($"Resource '{resource.Name}' has no endpoint '{reference.EndpointName}'.");
        var host = AzureOnVm.ServiceName(resource) ?? ServiceName(resource);
        var port = TargetPort(resource, endpoint).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{endpoint.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => endpoint.UriScheme,
            // Nothing inside the compose network speaks TLS; nginx terminates it at the edge.
            EndpointProperty.TlsEnabled => endpoint.TlsEnabled ? "true" : "false",
            _ => throw new DistributedApplicationException($"Endpoint property '{property}' is not supported on the VM."),
        };
    }

    private static string Describe(object? value) => value is IManifestExpressionProvider p ? p.ValueExpression : value?.GetType().Name ?? "null";

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}")]
    private static partial Regex VariablePattern();
}
