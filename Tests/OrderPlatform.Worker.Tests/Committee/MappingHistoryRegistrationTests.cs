using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderPlatform.Worker.Committee;

namespace OrderPlatform.Worker.Tests.Committee;

public sealed class MappingHistoryRegistrationTests
{
    [Theory]
    [InlineData("Host=localhost;Database=ordersdb;Username=u;Password=p", typeof(PostgresMappingHistory))]
    [InlineData(null, typeof(InMemoryMappingHistory))]
    public void TheHistoryIsInPostgresWhenOrdersdbIsConfiguredAndInMemoryOtherwise(string? ordersdb, Type expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:ordersdb"] = ordersdb;

        builder.AddWorkerServices();
        using var services = builder.Services.BuildServiceProvider();

        Assert.IsType(expected, services.GetRequiredService<IMappingHistory>());
    }
}
