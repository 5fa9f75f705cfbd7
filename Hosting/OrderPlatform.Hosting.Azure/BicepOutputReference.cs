using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// An output of a resource's Bicep module, written to the manifest as <c>{resource.outputs.name}</c> for azd to fill in
/// after it deploys the module.
/// </summary>
/// <remarks>
/// This integration never provisions Azure itself, so the output has no value when the AppHost runs: a resource that
/// is needed locally runs as an emulator (<c>RunAsEmulator</c>) instead.
/// </remarks>
/// <param name="name">The name of the output in the module.</param>
/// <param name="resource">The resource whose module declares the output.</param>
public sealed class BicepOutputReference(string name, IResource resource)
    : IManifestExpressionProvider, IValueProvider, IValueWithReferences, IEquatable<BicepOutputReference>
{
    /// <summary>Gets the name of the output.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the resource whose Bicep module declares the output.</summary>
    public IResource Resource { get; } = resource;

    /// <summary>Gets the manifest expression of the output, <c>{resource.outputs.name}</c>.</summary>
    public string ValueExpression => $"{{{Resource.Name}.outputs.{Name}}}";

    IEnumerable<object> IValueWithReferences.References => [Resource];

    /// <summary>Always fails: outputs exist only in Azure, after azd has deployed the module.</summary>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(
            $"The output '{Name}' of '{Resource.Name}' exists only once azd has deployed its Bicep module; "
            + $"to use '{Resource.Name}' locally, run it as an emulator (RunAsEmulator).");

    /// <inheritdoc />
    public bool Equals(BicepOutputReference? other) =>
        other is not null && ReferenceEquals(other.Resource, Resource) && other.Name == Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BicepOutputReference);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Resource, Name);
}
