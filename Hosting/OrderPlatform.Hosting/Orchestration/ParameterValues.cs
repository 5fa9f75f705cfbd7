using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>
/// Resolves parameters: configuration first (<c>Parameters:{name}</c>, or <c>ConnectionStrings:{name}</c>), then a
/// plain default, then a generated value. Generated values persist in <c>parameters.json</c> in the data folder
/// (owner-only permissions) so a persisted Postgres keeps accepting the password it was initialised with.
/// </summary>
internal static class ParameterValues
{
    private const string FileName = "parameters.json";

    public static void Resolve(IEnumerable<ParameterResource> parameters, IConfiguration configuration, string dataDirectory, ResourceLoggerService logs)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var stored = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : new Dictionary<string, string>();
        var changed = false;
        var missing = new List<string>();
        foreach (var p in parameters)
        {
            var configured = p.IsConnectionString ? configuration.GetConnectionString(p.Name) : configuration[$"Parameters:{p.Name}"];
            if (!string.IsNullOrEmpty(configured))
            {
                p.Value = configured;
            }
            else if (p.DefaultValue is not null)
            {
                p.Value = p.DefaultValue;
            }
            else if (p.Generate is not null)
            {
                if (!stored.TryGetValue(p.Name, out var value))
                {
                    stored[p.Name] = value = GenerateValue(p.Generate);
                    changed = true;
                }
                p.Value = value;
            }
            else if (!p.Optional)
            {
                missing.Add(p.IsConnectionString ? $"ConnectionStrings:{p.Name}" : $"Parameters:{p.Name}");
            }
            if (p.Secret && p.Value is { } secret)
            {
                logs.AddSecret(secret);
            }
        }
        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(
                $"Missing parameter values: {string.Join(", ", missing)}. Set them in OrderPlatform.AppHost/appsettings.json, user configuration or environment (e.g. Parameters__name).");
        }
        if (changed)
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(path, JsonSerializer.Serialize(stored));
            FilePermissions.OwnerOnly(path);
        }
    }

    internal static string GenerateValue(GenerateParameterDefault g)
    {
        const string Lower = "abcdefghijklmnopqrstuvwxyz", Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", Digits = "0123456789";
        // Only characters that survive connection strings, URLs and shell config files unescaped.
        const string Special = "-_.~";
        var pools = new List<string>();
        if (g.Lower) { pools.Add(Lower); }
        if (g.Upper) { pools.Add(Upper); }
        if (g.Numeric) { pools.Add(Digits); }
        if (g.Special) { pools.Add(Special); }
        var all = string.Concat(pools);
        var chars = pools.Select(pool => pool[RandomNumberGenerator.GetInt32(pool.Length)]).ToList();
        while (chars.Count < g.MinLength)
        {
            chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        }
        return new string([.. chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue))]);
    }
}
