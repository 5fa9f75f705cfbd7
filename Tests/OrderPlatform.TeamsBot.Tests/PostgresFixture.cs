[assembly: AssemblyFixture(typeof(OrderPlatform.TeamsBot.Tests.PostgresFixture))]

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>The assembly's Postgres. Every bot host gets a database of its own: its message queue lives there.</summary>
public sealed class PostgresFixture : OrderPlatform.Tests.PostgresServer;
