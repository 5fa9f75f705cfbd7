using System.Text.Json.Nodes;
using OrderPlatform.Hosting;

namespace OrderPlatform.Publishing.Tests;

public sealed class AppHostManifestTests
{
    // Types azd's apphost generator accepts (Azure/azure-dev pkg/apphost); annotated.string is left out on purpose:
    // azd before 1.20.3 fails on it.
    private static readonly HashSet<string> AzdTypes =
    [
        "project.v0", "project.v1", "container.v0", "container.v1", "dockerfile.v0", "parameter.v0", "value.v0",
        "azure.bicep.v0", "azure.bicep.v1", "dapr.v0", "dapr.component.v0",
    ];

    [Fact]
    public async Task TheAppHostManifestIsExactlyWhatAzdExpects()
    {
        var (json, dir) = await Manifests.PublishAppHostAsync();
        var apiPath = Path.GetRelativePath(dir, Path.Combine(TestPaths.RepositoryRoot, "Services", "OrderPlatform.Api", "OrderPlatform.Api.csproj")).Replace('\\', '/');
        Manifests.AssertExact(Expected.Replace("{API_PATH}", apiPath, StringComparison.Ordinal), json);
        Assert.True(File.Exists(Path.Combine(dir, "storage.module.bicep")));
        Assert.True(File.Exists(Path.Combine(dir, "storage-roles.module.bicep")));
    }

    [Fact]
    public async Task EveryEmittedTypeIsOneAzdSupportsWithItsRequiredFields()
    {
        var (json, dir) = await Manifests.PublishAppHostAsync();
        var resources = JsonNode.Parse(json)!["resources"]!.AsObject();
        Assert.NotEmpty(resources);
        foreach (var (name, node) in resources)
        {
            var type = (string)node!["type"]!;
            Assert.True(AzdTypes.Contains(type), $"{name}: azd does not accept type '{type}'.");
            switch (type)
            {
                case "project.v0":
                    Assert.True(File.Exists(Path.Combine(dir, (string)node["path"]!)), $"{name}: project path does not resolve from the manifest folder.");
                    break;
                case "container.v0":
                    Assert.False(string.IsNullOrEmpty((string?)node["image"]), $"{name}: container without image.");
                    break;
                case "azure.bicep.v0":
                    Assert.True(File.Exists(Path.Combine(dir, (string)node["path"]!)), $"{name}: module not next to the manifest.");
                    break;
                default:
                    break;
            }
            foreach (var (endpoint, binding) in node["bindings"]?.AsObject() ?? [])
            {
                foreach (var field in new[] { "scheme", "protocol", "transport" })
                {
                    Assert.True(binding![field] is not null, $"{name}/{endpoint}: binding lacks '{field}'.");
                }
            }
        }
    }

    [Fact]
    public async Task NoSecretValueAppearsInTheManifest()
    {
        // Values configured for every parameter: a publisher that resolved values instead of writing expressions would leak them.
        string[] secrets = ["Pg-Secret-Value-1234567890", "Redis-Secret-Value-1234567890"];
        var (json, dir) = await Manifests.PublishAppHostAsync(
            $"--Parameters:postgres-password={secrets[0]}", $"--Parameters:redis-password={secrets[1]}");
        var everything = json + string.Concat(Directory.GetFiles(dir, "*.bicep").Select(File.ReadAllText));
        foreach (var secret in secrets.Append(AzureStorageResource.DevKey).Append(AzureCosmosDBResource.EmulatorKey))
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("AccountKey", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("\"value\": \"", json.Replace("\"value\": \"{", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private const string Expected = """
        {
          "$schema": "https://json.schemastore.org/aspire-8.0.json",
          "resources": {
            "postgres-password": {
              "type": "parameter.v0",
              "value": "{postgres-password.inputs.value}",
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
            "postgres": {
              "type": "container.v0",
              "connectionString": "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}",
              "image": "docker.io/library/postgres:17.6",
              "env": {
                "POSTGRES_HOST_AUTH_METHOD": "scram-sha-256",
                "POSTGRES_INITDB_ARGS": "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
                "POSTGRES_USER": "postgres",
                "POSTGRES_PASSWORD": "{postgres-password.value}"
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
                  "name": "orderplatform-postgres-data",
                  "target": "/var/lib/postgresql/data",
                  "readOnly": false
                }
              ]
            },
            "ordersdb": {
              "type": "value.v0",
              "connectionString": "{postgres.connectionString};Database=ordersdb"
            },
            "flowsdb": {
              "type": "value.v0",
              "connectionString": "{postgres.connectionString};Database=flowsdb"
            },
            "redis-password": {
              "type": "parameter.v0",
              "value": "{redis-password.inputs.value}",
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
            "redis": {
              "type": "container.v0",
              "connectionString": "{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}",
              "image": "docker.io/library/redis:8.2",
              "entrypoint": "/bin/sh",
              "args": [
                "-c",
                "redis-server --requirepass $REDIS_PASSWORD --save 60 1"
              ],
              "env": {
                "REDIS_PASSWORD": "{redis-password.value}"
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
                  "name": "orderplatform-redis-data",
                  "target": "/data",
                  "readOnly": false
                }
              ]
            },
            "storage": {
              "type": "azure.bicep.v0",
              "path": "storage.module.bicep"
            },
            "storage-roles": {
              "type": "azure.bicep.v0",
              "path": "storage-roles.module.bicep",
              "params": {
                "storage_outputs_name": "{storage.outputs.name}",
                "principalType": "",
                "principalId": ""
              }
            },
            "blobs": {
              "type": "value.v0",
              "connectionString": "{storage.outputs.blobEndpoint}"
            },
            "queues": {
              "type": "value.v0",
              "connectionString": "{storage.outputs.queueEndpoint}"
            },
            "api": {
              "type": "project.v0",
              "path": "{API_PATH}",
              "env": {
                "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY": "in_memory",
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED": "true",
                "HTTP_PORTS": "{api.bindings.http.targetPort}",
                "ConnectionStrings__ordersdb": "{ordersdb.connectionString}",
                "ConnectionStrings__redis": "{redis.connectionString}",
                "ConnectionStrings__blobs": "{blobs.connectionString}",
                "ConnectionStrings__queues": "{queues.connectionString}"
              },
              "bindings": {
                "http": {
                  "scheme": "http",
                  "protocol": "tcp",
                  "transport": "http",
                  "external": true
                }
              }
            }
          }
        }
        """;
}
