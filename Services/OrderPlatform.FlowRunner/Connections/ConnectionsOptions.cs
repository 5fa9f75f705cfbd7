using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Connections;

/// <summary>Section <c>FlowRunner:Connections</c>: the secret that encrypts connections and signs resume URLs.</summary>
public sealed class ConnectionsOptions
{
    public const int MinKeyLength = 32;

    /// <summary>
    /// Any string of at least <see cref="MinKeyLength"/> characters; the AppHost maps the <c>flowrunner-secrets-key</c>
    /// parameter here. Two keys are derived from it (HKDF-SHA256): one for AES-GCM, one for resume-URL HMACs.
    /// </summary>
    public string? Key { get; set; }
}

/// <summary>
/// Refuses to start outside Development without the key: connections could be neither stored nor read, and a
/// resume URL signed with a per-process key would stop working at the next restart. One message names the fix.
/// </summary>
internal sealed class ConnectionsKeyValidator(IHostEnvironment environment) : IValidateOptions<FlowRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowRunnerOptions options)
    {
        var key = options.Connections.Key;
        if (string.IsNullOrEmpty(key))
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"FlowRunner:Connections:Key is not set and the environment is '{environment.EnvironmentName}'. The FlowRunner " +
                    "refuses to start without the key that encrypts connections and signs resume URLs: set FlowRunner__Connections__Key " +
                    $"(AppHost parameter flowrunner-secrets-key) to a random string of at least {ConnectionsOptions.MinKeyLength} characters.");
        }

        return key.Length < ConnectionsOptions.MinKeyLength
            ? ValidateOptionsResult.Fail($"FlowRunner:Connections:Key is shorter than {ConnectionsOptions.MinKeyLength} characters.")
            : ValidateOptionsResult.Success;
    }
}
