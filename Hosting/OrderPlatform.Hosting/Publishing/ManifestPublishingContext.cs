using System.Text.Json;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Publishing;

/// <summary>
/// What a resource's manifest callback writes with: the JSON writer positioned inside the resource's object, the
/// manifest's folder (Bicep modules go next to it, paths are relative to it) and the shared writers for the
/// standard shapes (azd's <c>project.v0</c>, <c>container.v0</c>, <c>value.v0</c>, <c>parameter.v0</c>, <c>azure.bicep.v0</c>).
/// </summary>
public sealed class ManifestPublishingContext
{
    private readonly List<(string Name, Func<ManifestPublishingContext, Task> Write)> _following = [];
    private readonly List<ParameterResource> _referencedParameters = [];

    internal ManifestPublishingContext(DistributedApplicationExecutionContext executionContext, string manifestPath, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        ExecutionContext = executionContext;
        ManifestPath = manifestPath;
        Writer = writer;
        CancellationToken = cancellationToken;
    }

    /// <summary>Publish mode (callbacks see the same context the environment callbacks do).</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>Absolute path of the manifest being written.</summary>
    public string ManifestPath { get; }

    /// <summary>The manifest's folder.</summary>
    public string ManifestDirectory => Path.GetDirectoryName(ManifestPath)!;

    /// <summary>The writer, inside the current resource's object.</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>Cancels the publish.</summary>
    public CancellationToken CancellationToken { get; }

    internal IReadOnlyList<(string Name, Func<ManifestPublishingContext, Task> Write)> Following => _following;

    internal IReadOnlyList<ParameterResource> ReferencedParameters => _referencedParameters;

    /// <summary>A path relative to the manifest's folder with <c>/</c> separators (azd resolves paths that way).</summary>
    public string GetManifestRelativePath(string path) =>
        Path.GetRelativePath(ManifestDirectory, Path.GetFullPath(path)).Replace('\\', '/');

    /// <summary>
    /// Queues another top-level entry written right after the current one (a module's role assignments:
    /// <c>storage-roles</c> after <c>storage</c>).
    /// </summary>
    public void WriteFollowingResource(string name, Func<ManifestPublishingContext, Task> write)
    {
        ResourceNames.Validate(name);
        _following.Add((name, write));
    }

    /// <summary><c>project.v0</c>: path relative to the manifest, args, env, bindings.</summary>
    public async Task WriteProjectAsync(ProjectResource project)
    {
        Writer.WriteString("type", "project.v0");
        Writer.WriteString("path", GetManifestRelativePath(project.Metadata.ProjectPath));
        await WriteCommandLineArgumentsAsync(project).ConfigureAwait(false);
        await WriteEnvironmentVariablesAsync(project).ConfigureAwait(false);
        WriteBindings(project);
    }

    /// <summary><c>container.v0</c>: connection string, image, entrypoint, args, env, bindings, volumes.</summary>
    public async Task WriteContainerAsync(ContainerResource container)
    {
        var image = container.Annotations.OfKind<ContainerImageAnnotation>().LastOrDefault()
            ?? throw new DistributedApplicationException($"Container '{container.Name}' has no image; add a ContainerImageAnnotation.");
        Writer.WriteString("type", "container.v0");
        if (container is IResourceWithConnectionString withConnectionString)
        {
            WriteConnectionString(withConnectionString);
        }
        Writer.WriteString("image", image.FullName);
        if (container.Annotations.OfKind<ContainerEntrypointAnnotation>().LastOrDefault() is { } entrypoint)
        {
            Writer.WriteString("entrypoint", entrypoint.Entrypoint);
        }
        await WriteCommandLineArgumentsAsync(container).ConfigureAwait(false);
        await WriteEnvironmentVariablesAsync(container).ConfigureAwait(false);
        WriteBindings(container);
        var volumes = container.Annotations.OfKind<ContainerVolumeAnnotation>().ToList();
        if (volumes.Count > 0)
        {
            Writer.WriteStartArray("volumes");
            foreach (var v in volumes)
            {
                Writer.WriteStartObject();
                Writer.WriteString("name", v.Name);
                Writer.WriteString("target", v.Target);
                Writer.WriteBoolean("readOnly", v.ReadOnly);
                Writer.WriteEndObject();
            }
            Writer.WriteEndArray();
        }
    }

    /// <summary><c>value.v0</c>: a resource that is only a connection string (a database, a storage service).</summary>
    public void WriteValue(IResourceWithConnectionString resource)
    {
        Writer.WriteString("type", "value.v0");
        WriteConnectionString(resource);
    }

    /// <summary>
    /// <c>parameter.v0</c>. Secret parameters never carry their value: a generated one describes its generator
    /// (azd generates it), any other is prompted for by azd.
    /// </summary>
    public void WriteParameter(ParameterResource parameter)
    {
        Writer.WriteString("type", "parameter.v0");
        if (parameter.IsConnectionString)
        {
            Writer.WriteString("connectionString", $"{{{parameter.Name}.value}}");
        }
        Writer.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        Writer.WriteStartObject("inputs");
        Writer.WriteStartObject("value");
        Writer.WriteString("type", "string");
        if (parameter.Secret)
        {
            Writer.WriteBoolean("secret", true);
        }
        if (parameter.Generate is { } g)
        {
            Writer.WriteStartObject("default");
            Writer.WriteStartObject("generate");
            Writer.WriteNumber("minLength", g.MinLength);
            WriteFalse("lower", g.Lower);
            WriteFalse("upper", g.Upper);
            WriteFalse("numeric", g.Numeric);
            WriteFalse("special", g.Special);
            Writer.WriteEndObject();
            Writer.WriteEndObject();
        }
        else if (parameter.DefaultValue is { } value && !parameter.Secret)
        {
            // azd rejects a secret with a default value, and the value would leak into the manifest.
            Writer.WriteStartObject("default");
            Writer.WriteString("value", value);
            Writer.WriteEndObject();
        }
        Writer.WriteEndObject();
        Writer.WriteEndObject();

        void WriteFalse(string name, bool value)
        {
            if (!value)
            {
                Writer.WriteBoolean(name, false);
            }
        }
    }

    /// <summary><c>connectionString</c> as an expression.</summary>
    public void WriteConnectionString(IResourceWithConnectionString resource) =>
        Writer.WriteString("connectionString", Expression(resource.ConnectionStringExpression));

    /// <summary><c>env</c> from the same callbacks the local run uses, evaluated in publish mode.</summary>
    public async Task WriteEnvironmentVariablesAsync(IResource resource)
    {
        var env = await ValueResolver.EvaluateEnvironmentAsync(resource, ExecutionContext).ConfigureAwait(false);
        if (env.Count == 0)
        {
            return;
        }
        Writer.WriteStartObject("env");
        foreach (var (key, value) in env)
        {
            Writer.WriteString(key, Expression(value));
        }
        Writer.WriteEndObject();
    }

    /// <summary><c>args</c> from the argument callbacks, evaluated in publish mode.</summary>
    public async Task WriteCommandLineArgumentsAsync(IResource resource)
    {
        var args = await ValueResolver.EvaluateArgsAsync(resource, ExecutionContext).ConfigureAwait(false);
        if (args.Count == 0)
        {
            return;
        }
        Writer.WriteStartArray("args");
        foreach (var arg in args)
        {
            Writer.WriteStringValue(Expression(arg));
        }
        Writer.WriteEndArray();
    }

    /// <summary><c>bindings</c>: scheme, protocol, transport always; <c>port</c> only when it differs from <c>targetPort</c>; <c>external</c> only when true.</summary>
    public void WriteBindings(IResource resource)
    {
        var endpoints = resource.Annotations.OfKind<EndpointAnnotation>().ToList();
        if (endpoints.Count == 0)
        {
            return;
        }
        Writer.WriteStartObject("bindings");
        foreach (var e in endpoints)
        {
            Writer.WriteStartObject(e.Name);
            Writer.WriteString("scheme", e.Scheme);
            Writer.WriteString("protocol", e.Protocol);
            Writer.WriteString("transport", e.Transport);
            if (e.Port is { } port && port != e.TargetPort)
            {
                Writer.WriteNumber("port", port);
            }
            if (e.TargetPort is { } target)
            {
                Writer.WriteNumber("targetPort", target);
            }
            if (e.IsExternal)
            {
                Writer.WriteBoolean("external", true);
            }
            Writer.WriteEndObject();
        }
        Writer.WriteEndObject();
    }

    /// <summary>
    /// <c>azure.bicep.v0</c>: writes <c>{moduleName}.module.bicep</c> next to the manifest and the entry's path,
    /// connection string and params (strings are literal; late-bound values become expressions; an empty string is
    /// a parameter azd fills, such as <c>principalId</c>).
    /// </summary>
    public async Task WriteBicepModuleAsync(string moduleName, string bicep, IManifestExpressionProvider? connectionString = null,
        IReadOnlyList<KeyValuePair<string, object>>? parameters = null)
    {
        var file = Path.Combine(ManifestDirectory, moduleName + ".module.bicep");
        await File.WriteAllTextAsync(file, bicep, CancellationToken).ConfigureAwait(false);
        Writer.WriteString("type", "azure.bicep.v0");
        if (connectionString is not null)
        {
            Writer.WriteString("connectionString", Expression(connectionString));
        }
        Writer.WriteString("path", GetManifestRelativePath(file));
        if (parameters is { Count: > 0 })
        {
            Writer.WriteStartObject("params");
            foreach (var (key, value) in parameters)
            {
                Writer.WriteString(key, value is string s ? s : Expression(value));
            }
            Writer.WriteEndObject();
        }
    }

    /// <summary>A value's manifest expression; parameters it references are remembered so they get an entry.</summary>
    public string Expression(object value)
    {
        Collect(value, 0);
        return ValueResolver.Expression(value);
    }

    private void Collect(object value, int depth)
    {
        if (depth > 8)
        {
            return;
        }
        switch (value)
        {
            case ParameterResource p when !_referencedParameters.Contains(p):
                _referencedParameters.Add(p);
                break;
            case ReferenceExpression e:
                foreach (var part in e.ValueProviders)
                {
                    Collect(part, depth + 1);
                }
                break;
            case ConnectionStringReference c:
                Collect(c.Resource, depth + 1);
                break;
            case IResourceWithConnectionString r:
                Collect(r.ConnectionStringExpression, depth + 1);
                break;
            default:
                break;
        }
    }
}
