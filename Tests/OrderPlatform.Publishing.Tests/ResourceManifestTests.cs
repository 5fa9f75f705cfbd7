using OrderPlatform.Hosting;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Publishing.Tests;

/// <summary>One small model per resource kind, compared as exact JSON (as Aspire's own VerifyManifest tests do).</summary>
public sealed class ResourceManifestTests
{
    [Fact]
    public async Task PostgresIsAContainerWithAGeneratedPasswordAndDatabasesAreValues()
    {
        var builder = Manifests.Builder();
        builder.AddPostgres("pg").AddDatabase("ordersdb");
        Manifests.AssertExact(Manifests.Wrap("""
                "pg-password": {
                  "type": "parameter.v0",
                  "value": "{pg-password.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true,
                      "default": {
                        "generate": {
                          "minLength": 22
                        }
                      }
                    }
                  }
                },
                "pg": {
                  "type": "container.v0",
                  "connectionString": "Host={pg.bindings.tcp.host};Port={pg.bindings.tcp.port};Username=postgres;Password={pg-password.value}",
                  "image": "docker.io/library/postgres:17.6",
                  "env": {
                    "POSTGRES_HOST_AUTH_METHOD": "scram-sha-256",
                    "POSTGRES_INITDB_ARGS": "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
                    "POSTGRES_USER": "postgres",
                    "POSTGRES_PASSWORD": "{pg-password.value}"
                  },
                  "bindings": {
                    "tcp": {
                      "scheme": "tcp",
                      "protocol": "tcp",
                      "transport": "tcp",
                      "targetPort": 5432
                    }
                  },
                  "volumes": [
                    {
                      "name": "orderplatform-pg-data",
                      "target": "/var/lib/postgresql/data",
                      "readOnly": false
                    }
                  ]
                },
                "ordersdb": {
                  "type": "value.v0",
                  "connectionString": "{pg.connectionString};Database=ordersdb"
                }
            """), await Manifests.WriteAsync(builder));
    }

    [Fact]
    public async Task RedisRunsThroughAShellWithItsPasswordFromTheEnvironment()
    {
        var builder = Manifests.Builder();
        builder.AddRedis("cache");
        Manifests.AssertExact(Manifests.Wrap("""
                "cache-password": {
                  "type": "parameter.v0",
                  "value": "{cache-password.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true,
                      "default": {
                        "generate": {
                          "minLength": 22,
                          "special": false
                        }
                      }
                    }
                  }
                },
                "cache": {
                  "type": "container.v0",
                  "connectionString": "{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}",
                  "image": "docker.io/library/redis:8.2",
                  "entrypoint": "/bin/sh",
                  "args": [
                    "-c",
                    "redis-server --requirepass $REDIS_PASSWORD --save 60 1"
                  ],
                  "env": {
                    "REDIS_PASSWORD": "{cache-password.value}"
                  },
                  "bindings": {
                    "tcp": {
                      "scheme": "tcp",
                      "protocol": "tcp",
                      "transport": "tcp",
                      "targetPort": 6379
                    }
                  },
                  "volumes": [
                    {
                      "name": "orderplatform-cache-data",
                      "target": "/data",
                      "readOnly": false
                    }
                  ]
                }
            """), await Manifests.WriteAsync(builder));
    }

    [Fact]
    public async Task StorageIsABicepModuleWithRolesAndItsServicesAreEndpointValues()
    {
        var builder = Manifests.Builder();
        var storage = builder.AddAzureStorage("files");
        storage.AddBlobs("docs");
        storage.AddQueues("jobs");
        Manifests.AssertExact(Manifests.Wrap("""
                "files": {
                  "type": "azure.bicep.v0",
                  "path": "files.module.bicep"
                },
                "files-roles": {
                  "type": "azure.bicep.v0",
                  "path": "files-roles.module.bicep",
                  "params": {
                    "files_outputs_name": "{files.outputs.name}",
                    "principalType": "",
                    "principalId": ""
                  }
                },
                "docs": {
                  "type": "value.v0",
                  "connectionString": "{files.outputs.blobEndpoint}"
                },
                "jobs": {
                  "type": "value.v0",
                  "connectionString": "{files.outputs.queueEndpoint}"
                }
            """), await Manifests.WriteAsync(builder));
        var module = await File.ReadAllTextAsync(Path.Combine(builder.Options.OutputPath!, "files.module.bicep"), TestContext.Current.CancellationToken);
        foreach (var output in new[] { "blobEndpoint", "queueEndpoint", "tableEndpoint", "name" })
        {
            Assert.Contains($"output {output} string", module, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CosmosIsABicepModuleWithRolesAndItsDatabasesAreValues()
    {
        var builder = Manifests.Builder();
        builder.AddAzureCosmosDB("cosmos").AddCosmosDatabase("orders");
        Manifests.AssertExact(Manifests.Wrap("""
                "cosmos": {
                  "type": "azure.bicep.v0",
                  "connectionString": "{cosmos.outputs.connectionString}",
                  "path": "cosmos.module.bicep"
                },
                "cosmos-roles": {
                  "type": "azure.bicep.v0",
                  "path": "cosmos-roles.module.bicep",
                  "params": {
                    "cosmos_outputs_name": "{cosmos.outputs.name}",
                    "principalId": ""
                  }
                },
                "orders": {
                  "type": "value.v0",
                  "connectionString": "AccountEndpoint={cosmos.outputs.connectionString};Database=orders"
                }
            """), await Manifests.WriteAsync(builder));
        Assert.Contains("name: 'orders'", await File.ReadAllTextAsync(Path.Combine(builder.Options.OutputPath!, "cosmos.module.bicep"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyVaultIsABicepModuleWithRoles()
    {
        var builder = Manifests.Builder();
        builder.AddAzureKeyVault("secrets");
        Manifests.AssertExact(Manifests.Wrap("""
                "secrets": {
                  "type": "azure.bicep.v0",
                  "connectionString": "{secrets.outputs.vaultUri}",
                  "path": "secrets.module.bicep"
                },
                "secrets-roles": {
                  "type": "azure.bicep.v0",
                  "path": "secrets-roles.module.bicep",
                  "params": {
                    "secrets_outputs_name": "{secrets.outputs.name}",
                    "principalType": "",
                    "principalId": ""
                  }
                }
            """), await Manifests.WriteAsync(builder));
    }

    [Fact]
    public async Task AProjectHasItsPathRelativeToTheManifestAndEnvFromTheRunCallbacks()
    {
        var builder = Manifests.Builder();
        var key = builder.AddParameter("api-key", secret: true);
        var api = builder.AddProject<FakeOrdersApi>("orders-api").WithExternalHttpEndpoints().WithEnvironment("Auth__ApiKey", key).WithArgs("--seed");
        builder.AddProject<FakeBot>("bot").WithReference(api);
        Manifests.AssertExact(Manifests.Wrap("""
                "api-key": {
                  "type": "parameter.v0",
                  "value": "{api-key.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true
                    }
                  }
                },
                "orders-api": {
                  "type": "project.v0",
                  "path": "../Services/Orders/Orders.csproj",
                  "args": [
                    "--seed"
                  ],
                  "env": {
                    "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY": "in_memory",
                    "ASPNETCORE_FORWARDEDHEADERS_ENABLED": "true",
                    "HTTP_PORTS": "{orders-api.bindings.http.targetPort}",
                    "Auth__ApiKey": "{api-key.value}"
                  },
                  "bindings": {
                    "http": {
                      "scheme": "http",
                      "protocol": "tcp",
                      "transport": "http",
                      "external": true
                    }
                  }
                },
                "bot": {
                  "type": "project.v0",
                  "path": "../Services/Bot/Bot.csproj",
                  "env": {
                    "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY": "in_memory",
                    "ASPNETCORE_FORWARDEDHEADERS_ENABLED": "true",
                    "HTTP_PORTS": "{bot.bindings.http.targetPort}",
                    "services__orders-api__http__0": "{orders-api.bindings.http.url}"
                  },
                  "bindings": {
                    "http": {
                      "scheme": "http",
                      "protocol": "tcp",
                      "transport": "http"
                    }
                  }
                }
            """), await Manifests.WriteAsync(builder, "/srv/orderplatform/publish/aspire-manifest.json"));
    }

    [Fact]
    public async Task AContainerWritesImageEnvBindingsAndVolumesWithPortOnlyWhenItDiffers()
    {
        var builder = Manifests.Builder();
        var pg = builder.AddPostgres("pg");
        builder.AddContainer("temporal", "temporalio/auto-setup", "1.29.1")
            .WithEndpoint("grpc", "tcp", targetPort: 7233)
            .WithEndpoint("ui", "http", port: 80, targetPort: 8233)
            .WithVolume("temporal-data", "/etc/temporal/dynamicconfig", isReadOnly: true)
            .WithEnvironment("DB", "postgres12")
            .WithEnvironment("POSTGRES_SEEDS", pg.GetEndpoint("tcp").Property(EndpointProperty.Host))
            .WithEnvironment("POSTGRES_PWD", pg.Resource.Password.ToParameterBuilder(builder));
        var json = await Manifests.WriteAsync(builder);
        Manifests.AssertExact("""
                {
                  "type": "container.v0",
                  "image": "docker.io/temporalio/auto-setup:1.29.1",
                  "env": {
                    "DB": "postgres12",
                    "POSTGRES_SEEDS": "{pg.bindings.tcp.host}",
                    "POSTGRES_PWD": "{pg-password.value}"
                  },
                  "bindings": {
                    "grpc": {
                      "scheme": "tcp",
                      "protocol": "tcp",
                      "transport": "tcp",
                      "targetPort": 7233
                    },
                    "ui": {
                      "scheme": "http",
                      "protocol": "tcp",
                      "transport": "http",
                      "port": 80,
                      "targetPort": 8233
                    }
                  },
                  "volumes": [
                    {
                      "name": "temporal-data",
                      "target": "/etc/temporal/dynamicconfig",
                      "readOnly": true
                    }
                  ]
                }
                """, System.Text.Json.Nodes.JsonNode.Parse(json)!["resources"]!["temporal"]!.ToJsonString(new() { WriteIndented = true }));
    }

    private sealed class FakeOrdersApi : IProjectMetadata
    {
        public string ProjectPath => "/srv/orderplatform/Services/Orders/Orders.csproj";

        public string TargetPath => "/srv/orderplatform/Services/Orders/bin/Orders.dll";
    }

    private sealed class FakeBot : IProjectMetadata
    {
        public string ProjectPath => "/srv/orderplatform/Services/Bot/Bot.csproj";

        public string TargetPath => "/srv/orderplatform/Services/Bot/bin/Bot.dll";
    }
}

internal static class ParameterBuilderExtensions
{
    public static IResourceBuilder<ParameterResource> ToParameterBuilder(this ParameterResource parameter, IDistributedApplicationBuilder builder) =>
        builder.CreateResourceBuilder(parameter);
}
