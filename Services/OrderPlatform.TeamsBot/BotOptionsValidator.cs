using Microsoft.Extensions.Options;

namespace OrderPlatform.TeamsBot;

/// <summary>
/// Refuses to start outside Development without an app id: without one the bot could not authenticate the
/// connector, and silently running open in production is worse than not running.
/// </summary>
internal sealed class BotOptionsValidator(IHostEnvironment environment) : IValidateOptions<BotOptions>
{
    public ValidateOptionsResult Validate(string? name, BotOptions options)
    {
        if (options.IsAnonymous && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"Bot:AppId is not set and the environment is '{environment.EnvironmentName}'. The Teams bot refuses to " +
                "start without inbound authentication outside Development: set Bot__AppId (AppHost parameter bot-app-id).");
        }

        if (!options.IsAnonymous && string.IsNullOrWhiteSpace(options.AppPassword))
        {
            return ValidateOptionsResult.Fail(
                "Bot:AppPassword is not set but Bot:AppId is: outbound calls to the Bot Connector need the app secret " +
                "(AppHost parameter bot-app-password).");
        }

        return ValidateOptionsResult.Success;
    }
}
