using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrderPlatform.TeamsBot.Orders;

namespace OrderPlatform.TeamsBot.Notify;

/// <summary>The Api's own scheme (<c>X-Api-Key</c>, the shared <c>api-key</c> parameter), compared in constant time.</summary>
public sealed class ApiKeyFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[OrdersClient.ApiKeyHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key)
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Unauthorized());
    }
}
