using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting;

/// <summary>Parameters and connection strings supplied from configuration.</summary>
public static class ParameterExtensions
{
    /// <summary>A parameter read from <c>Parameters:{name}</c>; required unless it has a default.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false, string? defaultValue = null, bool optional = false) =>
        builder.AddResource(new ParameterResource(name, secret) { DefaultValue = defaultValue, Optional = optional });

    /// <summary>A secret parameter generated when not configured (kept across runs in the data folder).</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedParameter(this IDistributedApplicationBuilder builder, string name, GenerateParameterDefault? generate = null) =>
        builder.AddResource(new ParameterResource(name, secret: true) { Generate = generate ?? new GenerateParameterDefault() });

    /// <summary>A connection string read from <c>ConnectionStrings:{name}</c>.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddConnectionString(this IDistributedApplicationBuilder builder, string name, bool optional = false) =>
        builder.AddResource<IResourceWithConnectionString>(new ConnectionStringParameterResource(
            new ParameterResource(name, secret: true) { IsConnectionString = true, Optional = optional }));
}
