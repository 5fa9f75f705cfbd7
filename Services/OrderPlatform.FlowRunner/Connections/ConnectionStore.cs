using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace OrderPlatform.FlowRunner.Connections;

public sealed record ConnectionInfo(string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a run's steps may use: decrypted values by name, and the names that exist but did not decrypt.</summary>
public sealed record RunConnections(JsonObject Values, IReadOnlySet<string> Unreadable)
{
    public static readonly RunConnections None = new([], new HashSet<string>());
}

/// <summary>Connections in <c>flowsdb</c>: only ciphertext is stored, only names and times are ever read back out of the API.</summary>
public sealed class ConnectionStore(NpgsqlDataSource db, SecretProtector protector)
{
    /// <summary>Creates or replaces; true when it was created.</summary>
    public async Task<bool> PutAsync(string name, JsonNode value, CancellationToken ct)
    {
        var sealedValue = protector.Encrypt(name, Encoding.UTF8.GetBytes(value.ToJsonString()));
        await using var command = db.CreateCommand(
            "INSERT INTO connection (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET secret = excluded.secret, updated_at = now() " +
            "RETURNING (xmax = 0)");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = sealedValue });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<ConnectionInfo>> ListAsync(string? name, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT name, created_at, updated_at FROM connection WHERE $1::text IS NULL OR name = $1 ORDER BY name LIMIT 1000");
        command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var connections = new List<ConnectionInfo>();
        while (await reader.ReadAsync(ct))
        {
            connections.Add(new(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return connections;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM connection WHERE name = $1");
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The named connections decrypted, for one run; missing names are simply absent.</summary>
    public async Task<RunConnections> LoadAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            // A fresh object, not None's: the run's state takes ownership of it.
            return new([], new HashSet<string>());
        }

        await using var command = db.CreateCommand("SELECT name, secret FROM connection WHERE name = ANY($1)");
        command.Parameters.Add(new() { Value = names.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new JsonObject();
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            if (protector.Decrypt(name, (byte[])reader[1]) is { } plaintext)
            {
                values[name] = JsonNode.Parse(plaintext);
            }
            else
            {
                unreadable.Add(name);
            }
        }

        return new(values, unreadable);
    }
}
