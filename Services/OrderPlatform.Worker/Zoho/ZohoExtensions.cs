using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrderPlatform.Worker.Zoho;

public static class ZohoExtensions
{
    public static IServiceCollection AddZohoBooks(this IServiceCollection services)
    {
        services.AddOptions<ZohoOptions>().BindConfiguration(ZohoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ZohoHttp>();
        services.AddSingleton<ZohoThrottle>();
        services.AddSingleton<ZohoTokenProvider>();
        services.AddSingleton<ZohoBooksClient>();
        services.AddSingleton<ZohoCatalogClient>();
        services.AddSingleton<ZohoDraftService>();
        return services;
    }
}
