using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// An output of a resource's Bicep module, written to the manifest as <c>{resource.outputs.name}</c> for azd to fill in
/// after it deploys the module. This integration never provisions Azure itself, so the output has no value when the
/// AppHost runs: a resource that is needed locally runs as an emulator (<c>RunAsEmulator</c>) instead.
/// </summary>
/// <param name="Name">The name of the output in the module.</param>
/// <param name="Resource">The resource whose module declares the output.</param>
public sealed record BicepOutputReference(string Name, IResource Resource) : IManifestExpressionProvider, IValueProvider, IValueWithReferences
{
    /// <summary>Gets the manifest expression of the output, <c>{resource.outputs.name}</c>.</summary>
    public string ValueExpression => $"{{{Resource.Name}.outputs.{Name}}}";

    IEnumerable<object> IValueWithReferences.References => [Resource];

    /// <summary>Always fails: outputs exist only in Azure, after azd has deployed the module.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(
            $"The output '{Name}' of '{Resource.Name}' exists only once azd has deployed its Bicep module; "
            + $"to use '{Resource.Name}' locally, run it as an emulator (RunAsEmulator).");
}
