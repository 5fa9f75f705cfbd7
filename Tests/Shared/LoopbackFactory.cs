using Microsoft.AspNetCore.Mvc.Testing;

namespace OrderPlatform.Tests;

/// <summary>
/// A service's real host on Kestrel at a free loopback port instead of the in-memory test server, so that its clients
/// go through real HTTP (and out-of-process callers such as the Temporal worker or a browser can reach it). Linked into
/// the test projects that set <c>UsesLoopbackFactory</c>.
/// </summary>
public abstract class LoopbackFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly Lock _gate = new();
    private bool _listening;

    /// <summary>Starts the server once, on first use from any thread; <see cref="WebApplicationFactory{T}.CreateClient()"/> then targets it.</summary>
    protected void EnsureListening()
    {
        lock (_gate)
        {
            if (!_listening)
            {
                UseKestrel(0);
                StartServer();
                _listening = true;
            }
        }
    }
}
