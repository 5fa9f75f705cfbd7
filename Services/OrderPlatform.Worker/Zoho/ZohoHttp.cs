namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// The one HttpClient every Zoho call uses. Deliberately not from IHttpClientFactory: the service defaults add a
/// standard resilience handler to every factory client, and it would resend a POST that timed out and so create a
/// duplicate order. Retries belong to <see cref="ZohoDraftService"/> (lookup first) and the activity's retry policy.
/// </summary>
public sealed class ZohoHttp : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
