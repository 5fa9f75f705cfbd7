using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>Runs a resource's environment and argument callbacks and resolves every value for run or publish.</summary>
public static class ValueResolver
{
    /// <summary>The environment with values resolved for running, and the names whose values must be masked.</summary>
    public static async Task<(Dictionary<string, string> Values, HashSet<string> Sensitive)> ResolveEnvironmentAsync(
        IResource resource, DistributedApplicationExecutionContext context, CancellationToken cancellationToken)
    {
        var raw = await EvaluateEnvironmentAsync(resource, context).ConfigureAwait(false);
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var sensitive = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in raw)
        {
            resolved[k] = await ResolveAsync(v, cancellationToken).ConfigureAwait(false);
            if (IsSensitive(k, v))
            {
                sensitive.Add(k);
            }
        }
        return (resolved, sensitive);
    }

    /// <summary>The environment as callbacks produced it (strings and late-bound values).</summary>
    public static async Task<Dictionary<string, object>> EvaluateEnvironmentAsync(IResource resource, DistributedApplicationExecutionContext context)
    {
        var ctx = new EnvironmentCallbackContext(context);
        foreach (var a in resource.Annotations.OfKind<EnvironmentCallbackAnnotation>())
        {
            await a.Callback(ctx).ConfigureAwait(false);
        }
        return ctx.EnvironmentVariables;
    }

    /// <summary>The arguments as callbacks produced them.</summary>
    public static async Task<List<object>> EvaluateArgsAsync(IResource resource, DistributedApplicationExecutionContext context)
    {
        var ctx = new CommandLineArgsCallbackContext(context);
        foreach (var a in resource.Annotations.OfKind<CommandLineArgsCallbackAnnotation>())
        {
            await a.Callback(ctx).ConfigureAwait(false);
        }
        return ctx.Args;
    }

    /// <summary>A string, or a late-bound value's run-time string.</summary>
    public static async Task<string> ResolveAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string s => s,
        IValueProvider p => await p.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A string (braces escaped), or a late-bound value's manifest expression.</summary>
    public static string Expression(object value) => value switch
    {
        string s => s.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal),
        IManifestExpressionProvider p => p.ValueExpression,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// Whether a value must be masked on the dashboard: it carries a secret parameter (directly or inside an
    /// expression or connection string) or the key names a secret.
    /// </summary>
    internal static bool IsSensitive(string key, object value) =>
        key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
        || SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase))
        || CarriesSecret(value, 0);

    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "ACCOUNTKEY", "OTLP_HEADERS"];

    private static bool CarriesSecret(object value, int depth) => depth < 8 && value switch
    {
        ParameterResource p => p.Secret,
        IResourceWithConnectionString => true,
        ConnectionStringReference => true,
        ReferenceExpression e => e.ValueProviders.Any(v => CarriesSecret(v, depth + 1)),
        _ => false,
    };
}
