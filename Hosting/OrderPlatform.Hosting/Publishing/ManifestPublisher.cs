using System.Text.Encodings.Web;
using System.Text.Json;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Publishing;

/// <summary>
/// <c>--publisher manifest</c>: writes the azd-compatible manifest (specs/apphost.md §3) and the Bicep modules
/// next to it. Walks the graph in model order, lets each resource write itself, then adds parameters that were
/// referenced but never added to the model. Starts nothing.
/// </summary>
public sealed class ManifestPublisher : IDistributedApplicationPublisher
{
    /// <summary>The schema line azd tolerates and Aspire writes up to 13.1.</summary>
    public const string Schema = "https://json.schemastore.org/aspire-8.0.json";

    /// <summary>File name used when <c>--output-path</c> is a folder.</summary>
    public const string DefaultFileName = "aspire-manifest.json";

    /// <inheritdoc />
    public async Task PublishAsync(DistributedApplicationPublishContext context, CancellationToken cancellationToken)
    {
        var path = ResolvePath(context.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = await WriteAsync(context.Builder.Resources, context.Builder.ExecutionContext, path, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(path, json, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Published manifest to: {path}");
    }

    /// <summary>A path ending in <c>.json</c> is the file; anything else is a folder that gets <see cref="DefaultFileName"/>.</summary>
    public static string ResolvePath(string outputPath) =>
        outputPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(outputPath) : Path.GetFullPath(Path.Combine(outputPath, DefaultFileName));

    /// <summary>The manifest JSON for <paramref name="resources"/>; Bicep modules are written next to <paramref name="manifestPath"/>.</summary>
    public static async Task<string> WriteAsync(IEnumerable<IResource> resources, DistributedApplicationExecutionContext executionContext, string manifestPath, CancellationToken cancellationToken)
    {
        if (!executionContext.IsPublishMode)
        {
            throw new InvalidOperationException("The manifest describes the publish-mode model; build the app with --publisher manifest.");
        }
        var model = resources.ToList();
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var context = new ManifestPublishingContext(executionContext, manifestPath, writer, cancellationToken);
            var written = new HashSet<string>(StringComparer.Ordinal);
            writer.WriteStartObject();
            writer.WriteString("$schema", Schema);
            writer.WriteStartObject("resources");
            foreach (var resource in model.Where(r => !r.Annotations.OfKind<ManifestExclusionAnnotation>().Any()))
            {
                await WriteEntryAsync(context, resource.Name, c => WriteResourceAsync(c, resource), written).ConfigureAwait(false);
            }
            // Parameters referenced but never added to the model (a password passed in by hand) still need an entry.
            for (var i = 0; i < context.ReferencedParameters.Count; i++)
            {
                var p = context.ReferencedParameters[i];
                if (!written.Contains(p.Name))
                {
                    await WriteEntryAsync(context, p.Name, c => { c.WriteParameter(p); return Task.CompletedTask; }, written).ConfigureAwait(false);
                }
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static async Task WriteEntryAsync(ManifestPublishingContext context, string name, Func<ManifestPublishingContext, Task> write, HashSet<string> written)
    {
        if (!written.Add(name))
        {
            throw new DistributedApplicationException($"Two manifest entries are named '{name}'.");
        }
        var before = context.Following.Count;
        context.Writer.WriteStartObject(name);
        await write(context).ConfigureAwait(false);
        context.Writer.WriteEndObject();
        var following = context.Following.Skip(before).ToList();
        foreach (var (followingName, followingWrite) in following)
        {
            await WriteEntryAsync(context, followingName, followingWrite, written).ConfigureAwait(false);
        }
    }

    private static Task WriteResourceAsync(ManifestPublishingContext context, IResource resource)
    {
        if (resource.Annotations.OfKind<ManifestPublishingCallbackAnnotation>().LastOrDefault() is { } callback)
        {
            return callback.Callback(context);
        }
        switch (resource)
        {
            case ExecutableResource:
                throw new DistributedApplicationException(
                    $"Resource '{resource.Name}' is an executable: azd rejects executable.v0. Model it as a container or project, or call ExcludeFromManifest() on it.");
            case ProjectResource project:
                return context.WriteProjectAsync(project);
            case ContainerResource container:
                return context.WriteContainerAsync(container);
            case ParameterResource parameter:
                context.WriteParameter(parameter);
                return Task.CompletedTask;
            case ConnectionStringParameterResource connectionString:
                context.WriteParameter(connectionString.Parameter);
                return Task.CompletedTask;
            case IResourceWithConnectionString value:
                context.WriteValue(value);
                return Task.CompletedTask;
            default:
                throw new DistributedApplicationException(
                    $"Resource '{resource.Name}' ({resource.GetType().Name}) has no manifest shape: add a ManifestPublishingCallbackAnnotation or call ExcludeFromManifest().");
        }
    }
}
