/// <summary>
/// Where Aspire 13.6's manifest and what azd accepts differ (Azure/azure-dev <c>pkg/apphost</c>), the AppHost bends
/// to azd; Tests/OrderPlatform.Publishing.Tests checks every rule.
/// </summary>
internal static class AzdManifest
{
    /// <summary>
    /// Aspire's Redis names its endpoint's scheme <c>redis</c>; azd accepts only <c>tcp</c>, <c>http</c> and
    /// <c>https</c> ("binding has invalid scheme"), and so does the aspire-8.0 schema. Published as <c>tcp</c>; run
    /// mode keeps Aspire's.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithTcpSchemeWhenPublished(this IResourceBuilder<RedisResource> redis) =>
        redis.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? redis.WithEndpoint(redis.Resource.PrimaryEndpoint.EndpointName, e => e.UriScheme = "tcp")
            : redis;

    /// <summary>
    /// A service gets <c>ConnectionStrings__*</c> and <c>services__*</c> for what it references, which is all ours
    /// read. Aspire 13's other reference variables (<c>ORDERSDB_HOST</c>, <c>ORDERSDB_URI</c>, <c>REDIS_PASSWORD</c>,
    /// <c>API_HTTP</c>, ...) would repeat secrets in more variables and bring <c>annotated.string</c> resources (URI
    /// encoded passwords) into the manifest, which azd before 1.20.3 refuses.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConnectionStringsAndServiceDiscovery(this IResourceBuilder<ProjectResource> project) =>
        project.WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString | ReferenceEnvironmentInjectionFlags.ServiceDiscovery);
}
