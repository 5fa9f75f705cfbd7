using System.Reflection;

/// <summary>
/// Local runs start each project's built program (<c>dotnet Api.dll</c>) where Aspire would run
/// <c>dotnet run --project … --no-build</c>. That command evaluates the project with MSBuild before the program starts,
/// 1–3 s of CPU per project: with five projects on two cores it was most of the gap between F5 and starting the same
/// programs by hand (bench/startup). The AppHost's own build has just built the referenced projects, which is why
/// Aspire passes --no-build at all, so the output started is the same. Left to Aspire: IDE debug sessions (the IDE
/// launches the project, with its debugger), <c>dotnet watch</c>, publish mode, and a project whose output is not
/// where the SDK puts it by default.
/// </summary>
internal static class BuiltProgramLaunch
{
    public static IDistributedApplicationBuilder LaunchBuiltPrograms(this IDistributedApplicationBuilder builder)
    {
        var ide = builder.Configuration["DEBUG_SESSION_PORT"] is { Length: > 0 };
        if (!builder.ExecutionContext.IsRunMode || ide || string.Equals(builder.Configuration["DOTNET_WATCH"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }
        var configuration = builder.AppHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            foreach (var project in e.Model.Resources.OfType<ProjectResource>())
            {
                UseBuiltProgram(project, configuration);
            }
            return Task.CompletedTask;
        });
        return builder;
    }

    private static void UseBuiltProgram(ProjectResource project, string configuration)
    {
        if (project.Annotations.OfType<ExecutableAnnotation>().Any()
            || project.Annotations.OfType<IProjectMetadata>().FirstOrDefault() is not { } metadata)
        {
            return;
        }
        var directory = Path.GetDirectoryName(metadata.ProjectPath)!;
        var program = Path.Combine(directory, "bin", configuration, "net10.0", Path.GetFileNameWithoutExtension(metadata.ProjectPath) + ".dll");
        if (!File.Exists(program))
        {
            return;
        }
        project.Annotations.Add(new ExecutableAnnotation { Command = Binaries.DotnetHost(), WorkingDirectory = directory });
        // Last of the argument callbacks, so the program goes before any argument the resource itself declares.
        project.Annotations.Add(new CommandLineArgsCallbackAnnotation(args => args.Insert(0, program)));
    }
}
