using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderPlatform.Publishing.Tests;

/// <summary>
/// The rules of the aspire-8.0 manifest schema (https://json.schemastore.org/aspire-8.0.json, draft-07) for the
/// resource types azd deploys: required and allowed fields per type, and the shapes of bindings, env, args, volumes,
/// bind mounts, parameter inputs and Bicep params. The schema file is not available offline here, so its documented
/// rules are written out rather than the file being loaded by a validator.
/// </summary>
internal static class ManifestSchema
{
    private sealed record Shape(string[] Required, string[] Allowed);

    private static readonly Dictionary<string, Shape> Types = new(StringComparer.Ordinal)
    {
        ["container.v0"] = new(["type", "image"], ["type", "image", "entrypoint", "args", "connectionString", "env", "bindings", "bindMounts", "volumes"]),
        ["project.v0"] = new(["type", "path"], ["type", "path", "args", "env", "bindings"]),
        ["dockerfile.v0"] = new(["type", "path", "context"], ["type", "path", "context", "env", "bindings", "buildArgs"]),
        ["value.v0"] = new(["connectionString"], ["type", "connectionString"]),
        ["parameter.v0"] = new(["value", "inputs"], ["type", "value", "connectionString", "inputs"]),
        ["annotated.string"] = new(["type", "value", "filter"], ["type", "value", "filter"]),
        ["azure.bicep.v0"] = new(["path"], ["type", "path", "connectionString", "params"]),
    };

    private static readonly string[] Schemes = ["http", "https", "tcp", "udp"];
    private static readonly string[] Protocols = ["tcp", "udp"];
    private static readonly string[] Transports = ["http", "http2", "tcp"];
    private static readonly string[] GenerateBooleans = ["lower", "upper", "numeric", "special"];
    private static readonly string[] GenerateNumbers = ["minLength", "minLower", "minUpper", "minNumeric", "minSpecial"];

    /// <summary>Every violation, as <c>resource: problem</c>; empty when the manifest is valid.</summary>
    public static List<string> Validate(JsonNode manifest)
    {
        var errors = new List<string>();
        if (manifest is not JsonObject root || root["resources"] is not JsonObject resources)
        {
            errors.Add("the manifest is not an object with a 'resources' object");
            return errors;
        }
        foreach (var (name, node) in resources)
        {
            if (node is not JsonObject resource || !IsString(resource["type"]))
            {
                errors.Add($"{name}: not an object with a string 'type'");
                continue;
            }
            var type = (string)resource["type"]!;
            if (!Types.TryGetValue(type, out var shape))
            {
                errors.Add($"{name}: type '{type}' is not one this check knows (nor azd deploys)");
                continue;
            }
            errors.AddRange(shape.Required.Where(f => resource[f] is null).Select(f => $"{name}: '{f}' is required for {type}"));
            errors.AddRange(resource.Select(p => p.Key).Where(k => !shape.Allowed.Contains(k)).Select(k => $"{name}: '{k}' is not allowed on {type}"));
            foreach (var field in (string[])["image", "entrypoint", "path", "context", "connectionString", "value", "filter"])
            {
                if (resource[field] is { } value && !IsString(value))
                {
                    errors.Add($"{name}: '{field}' must be a string");
                }
            }
            CheckStringArray(errors, name, "args", resource["args"]);
            CheckStringMap(errors, name, "env", resource["env"]);
            CheckStringMap(errors, name, "buildArgs", resource["buildArgs"]);
            CheckBindings(errors, name, resource["bindings"]);
            CheckMounts(errors, name, "volumes", "name", resource["volumes"]);
            CheckMounts(errors, name, "bindMounts", "source", resource["bindMounts"]);
            CheckInputs(errors, name, resource["inputs"]);
            if (resource["params"] is { } parameters && parameters is not JsonObject)
            {
                errors.Add($"{name}: 'params' must be an object");
            }
        }
        return errors;
    }

    private static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static bool IsBoolean(JsonNode? node) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    private static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    private static void CheckStringArray(List<string> errors, string name, string field, JsonNode? node)
    {
        if (node is not null && (node is not JsonArray array || array.Any(i => !IsString(i))))
        {
            errors.Add($"{name}: '{field}' must be an array of strings");
        }
    }

    private static void CheckStringMap(List<string> errors, string name, string field, JsonNode? node)
    {
        if (node is not null && (node is not JsonObject map || map.Any(p => !IsString(p.Value))))
        {
            errors.Add($"{name}: '{field}' must be an object of strings");
        }
    }

    private static void CheckBindings(List<string> errors, string name, JsonNode? node)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject bindings)
        {
            errors.Add($"{name}: 'bindings' must be an object");
            return;
        }
        foreach (var (endpoint, value) in bindings)
        {
            var where = $"{name}/bindings/{endpoint}";
            if (value is not JsonObject binding)
            {
                errors.Add($"{where}: must be an object");
                continue;
            }
            CheckEnum(errors, where, binding, "scheme", Schemes);
            CheckEnum(errors, where, binding, "protocol", Protocols);
            CheckEnum(errors, where, binding, "transport", Transports);
            foreach (var (key, field) in binding)
            {
                var ok = key switch
                {
                    "scheme" or "protocol" or "transport" => true,
                    "external" => IsBoolean(field),
                    "targetPort" or "port" => IsNumber(field),
                    _ => false,
                };
                if (!ok)
                {
                    errors.Add($"{where}: '{key}' is not allowed or has the wrong type");
                }
            }
        }
    }

    private static void CheckEnum(List<string> errors, string where, JsonObject obj, string field, string[] allowed)
    {
        if (!IsString(obj[field]))
        {
            errors.Add($"{where}: '{field}' is required (a string)");
        }
        else if (!allowed.Contains((string)obj[field]!))
        {
            errors.Add($"{where}: '{field}' is '{(string)obj[field]!}', not one of {string.Join(", ", allowed)}");
        }
    }

    private static void CheckMounts(List<string> errors, string name, string field, string sourceField, JsonNode? node)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonArray mounts)
        {
            errors.Add($"{name}: '{field}' must be an array");
            return;
        }
        foreach (var mount in mounts)
        {
            if (mount is not JsonObject m || !IsString(m[sourceField]) || !IsString(m["target"]) || !IsBoolean(m["readOnly"])
                || m.Any(p => p.Key != sourceField && p.Key != "target" && p.Key != "readOnly"))
            {
                errors.Add($"{name}: each of '{field}' must be exactly {{{sourceField}, target, readOnly}}");
            }
        }
    }

    private static void CheckInputs(List<string> errors, string name, JsonNode? node)
    {
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject inputs)
        {
            errors.Add($"{name}: 'inputs' must be an object");
            return;
        }
        foreach (var (inputName, value) in inputs)
        {
            var where = $"{name}/inputs/{inputName}";
            if (value is not JsonObject input)
            {
                errors.Add($"{where}: must be an object");
                continue;
            }
            if (!IsString(input["type"]) || (string)input["type"]! != "string")
            {
                errors.Add($"{where}: 'type' must be \"string\"");
            }
            if (input["secret"] is { } secret && !IsBoolean(secret))
            {
                errors.Add($"{where}: 'secret' must be a boolean");
            }
            errors.AddRange(input.Select(p => p.Key).Where(k => k is not ("type" or "secret" or "default")).Select(k => $"{where}: '{k}' is not allowed"));
            if (input["default"] is not { } defaultNode)
            {
                continue;
            }
            // oneOf: {generate: {minLength, ...}} alone, or {value: string}.
            var isGenerate = defaultNode is JsonObject d1 && d1["generate"] is JsonObject generate && IsNumber(generate["minLength"])
                && d1.All(p => p.Key == "generate")
                && generate.All(p => (GenerateBooleans.Contains(p.Key) && IsBoolean(p.Value)) || (GenerateNumbers.Contains(p.Key) && IsNumber(p.Value)));
            var isValue = defaultNode is JsonObject d2 && IsString(d2["value"]) && d2["generate"] is null;
            if (isGenerate == isValue)
            {
                errors.Add($"{where}: 'default' must be exactly one of {{generate: {{minLength, ...}}}} or {{value: string}}");
            }
        }
    }
}
