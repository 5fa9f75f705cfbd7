namespace OrderPlatform.Worker.Tests;

/// <summary>One real Postgres with <c>ordersdb</c> for every test class in the <c>postgres</c> collection.</summary>
public sealed class PostgresFixture : OrderPlatform.Tests.PostgresServer;

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
