using OrderPlatform.Hosting;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Parameters, executables and the output path: the manifest rules that are not one resource kind's shape.</summary>
public sealed class ManifestRulesTests
{
    [Fact]
    public async Task ParametersDescribeInputsWithoutValues()
    {
        var builder = Manifests.Builder();
        builder.Configuration["Parameters:tenant"] = "configured-tenant-value";
        builder.AddParameter("tenant", defaultValue: "common");
        builder.AddParameter("bot-password", secret: true, defaultValue: "never-in-a-manifest");
        builder.AddGeneratedParameter("signing-key", new GenerateParameterDefault(MinLength: 32, Upper: false));
        builder.AddConnectionString("llm", optional: true);
        var json = await Manifests.WriteAsync(builder);
        Manifests.AssertExact(Manifests.Wrap("""
                "tenant": {
                  "type": "parameter.v0",
                  "value": "{tenant.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "default": {
                        "value": "common"
                      }
                    }
                  }
                },
                "bot-password": {
                  "type": "parameter.v0",
                  "value": "{bot-password.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true
                    }
                  }
                },
                "signing-key": {
                  "type": "parameter.v0",
                  "value": "{signing-key.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true,
                      "default": {
                        "generate": {
                          "minLength": 32,
                          "upper": false
                        }
                      }
                    }
                  }
                },
                "llm": {
                  "type": "parameter.v0",
                  "connectionString": "{llm.value}",
                  "value": "{llm.inputs.value}",
                  "inputs": {
                    "value": {
                      "type": "string",
                      "secret": true
                    }
                  }
                }
            """), json);
    }

    [Fact]
    public async Task AnExcludedExecutableIsLeftOutAndAnyOtherFailsClearly()
    {
        var builder = Manifests.Builder();
        builder.AddExecutable("helper", "echo", ".");
        Manifests.AssertExact("""
            {
              "$schema": "https://json.schemastore.org/aspire-8.0.json",
              "resources": {}
            }
            """, await Manifests.WriteAsync(builder));

        var failing = Manifests.Builder();
        failing.AddResource(new ExecutableResource("tool", "echo", "/"));
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => Manifests.WriteAsync(failing));
        Assert.Contains("executable.v0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ExcludeFromManifest", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out/custom.json", "out/custom.json")]
    [InlineData("out", "out/aspire-manifest.json")]
    [InlineData("out/nested/", "out/nested/aspire-manifest.json")]
    public void AnOutputPathEndingInJsonIsTheFileAnyOtherIsAFolder(string outputPath, string expected) =>
        Assert.Equal(Path.GetFullPath(expected), ManifestPublisher.ResolvePath(outputPath));
}
