using OrderPlatform.Worker.Parsing;

namespace OrderPlatform.Worker;

internal static class Extensions
{
    public static void AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParserOptions>().BindConfiguration(ParserOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SpreadsheetParser>();
    }
}
