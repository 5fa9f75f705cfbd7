using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>
/// Runs a container in the foreground through the engine's CLI (<c>docker run --rm</c>), so it is managed like any
/// other process. Environment values are passed by name (<c>-e KEY</c>) from the CLI's own environment so secrets
/// never appear on a command line. Only used when an engine answers; our machines and CI have none.
/// </summary>
internal static class ContainerLaunch
{
    public static LaunchSpec Spec(LaunchContext context, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> args)
    {
        var resource = context.Resource;
        var image = resource.Annotations.OfKind<ContainerImageAnnotation>().Last();
        var cli = new List<string> { "run", "--rm", "--name", $"op-{context.InstanceId}-{resource.Name}" };
        foreach (var e in resource.Annotations.OfKind<EndpointAnnotation>())
        {
            cli.AddRange(["-p", $"127.0.0.1:{e.Allocated!.Port}:{e.TargetPort ?? e.Allocated.Port}"]);
        }
        foreach (var v in resource.Annotations.OfKind<ContainerVolumeAnnotation>())
        {
            cli.AddRange(["-v", $"{v.Name}:{v.Target}{(v.ReadOnly ? ":ro" : "")}"]);
        }
        foreach (var key in env.Keys)
        {
            cli.AddRange(["-e", key]);
        }
        if (resource.Annotations.OfKind<ContainerEntrypointAnnotation>().LastOrDefault() is { } entrypoint)
        {
            cli.AddRange(["--entrypoint", entrypoint.Entrypoint]);
        }
        cli.Add(image.FullName);
        cli.AddRange(args);
        return new LaunchSpec(BinaryLocator.Find(ContainerEngine.Command) ?? ContainerEngine.Command, cli) { Environment = env };
    }
}
