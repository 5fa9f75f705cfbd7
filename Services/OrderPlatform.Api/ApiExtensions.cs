using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrderPlatform.Api.Auth;
using OrderPlatform.Api.Orders;

namespace OrderPlatform.Api;

/// <summary>Auth, rate limits, ProblemDetails, JSON and OpenAPI: the cross-cutting parts every route group uses.</summary>
public static class ApiExtensions
{
    public const string PerKeyPolicy = "per-key";

    public static IHostApplicationBuilder AddApiSurface(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FormOptions>().Configure<IOptions<UploadOptions>>((form, upload) =>
            form.MultipartBodyLengthLimit = upload.Value.RequestLimit);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiScopes.Orders, policy => policy.RequireClaim(ApiCaller.ScopeClaim, ApiScopes.Orders));

        // Partitioned by the authenticated key, so one noisy client cannot starve the others, and counted in Redis so
        // the budget holds across Api replicas.
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerKeyPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                var partition = context.User.FindFirst(ApiKeyAuthenticationHandler.FingerprintClaim)?.Value ?? "anonymous";
                return RateLimitPartition.Get(partition, key => new SharedRateLimiter(
                    context.RequestServices.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), key,
                    options.PermitsPerMinute, TimeSpan.FromMinutes(1),
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<SharedRateLimiter>()));
            });
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "This API key has used its requests for this minute; retry after the number of seconds in Retry-After." },
                }).ConfigureAwait(false);
            };
        });

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenApi();
        return builder;
    }
}
