using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Vm;

/// <summary>
/// The Docker healthcheck a resource runs in the VM bundle, in compose's <c>test</c> form: <c>["CMD", "prog", "arg"]</c>
/// or <c>["CMD-SHELL", "shell command"]</c>. The text is literal: a <c>$</c> reaches the container's shell as is (the
/// bundle writes it as compose's <c>$$</c>). Without one, projects get a TCP probe of their port, Postgres
/// <c>pg_isready</c>, Redis <c>PING</c>, Temporal <c>cluster health</c>, other containers a probe of their first endpoint.
/// </summary>
/// <param name="Test">The healthcheck command.</param>
public sealed record VmHealthCheckAnnotation(IReadOnlyList<string> Test) : IResourceAnnotation;
