/// <summary>
/// Parameters that may stay empty locally. Aspire has no optional parameter: one without a value holds up every
/// resource that references it until someone types it into the dashboard. Locally an empty value switches the feature
/// to its local mode (no bot app id = the bot's Development mode, no Zoho credentials = dry-run drafts, no llm = a
/// committee without LLM); published, azd asks for each one.
/// </summary>
internal static class OptionalParameters
{
    /// <summary>
    /// A parameter that is empty unless <c>Parameters:{name}</c> is set (Aspire takes an empty configured value for a
    /// missing one, but not an empty default). The empty default is published for plain values only: azd refuses a
    /// secret with a default.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddOptionalParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false) =>
        builder.AddParameter(name, "", publishValueAsDefault: !secret, secret);
}
