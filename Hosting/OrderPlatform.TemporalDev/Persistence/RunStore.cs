using Google.Protobuf;
using Microsoft.Data.Sqlite;
using OrderPlatform.TemporalDev.Engine;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace OrderPlatform.TemporalDev.Persistence;

/// <summary>A run as stored: the start request and the history; everything else is rebuilt from the history.</summary>
internal sealed record StoredRun(string Namespace, string RunId, StartWorkflowExecutionRequest Start, History History,
    WorkflowExecutionStatus Status, DateTime StartTime, DateTime? CloseTime);

/// <summary>
/// SQLite file behind <c>--db-filename</c>: one row per run, rewritten whenever the run changes. Whole-row writes keep
/// the schema trivial; dev-server histories are small enough for that.
/// </summary>
internal sealed class RunStore : IDisposable
{
    private readonly SqliteConnection _connection;

    public RunStore(string path)
    {
        // The AppHost points this at a folder (e.g. .apphost/temporal/) that may not exist on a first run.
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                namespace TEXT NOT NULL,
                status INTEGER NOT NULL,
                start_time INTEGER NOT NULL,
                close_time INTEGER,
                start_request BLOB NOT NULL,
                history BLOB NOT NULL);
            """);
    }

    public void Save(IEnumerable<WorkflowRun> runs)
    {
        using SqliteTransaction tx = _connection.BeginTransaction();
        foreach (WorkflowRun run in runs)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO runs (run_id, namespace, status, start_time, close_time, start_request, history)
                VALUES ($id, $ns, $status, $start, $close, $request, $history)
                ON CONFLICT (run_id) DO UPDATE SET status = $status, close_time = $close, history = $history;
                """;
            var history = new History();
            history.Events.AddRange(run.History);
            cmd.Parameters.AddWithValue("$id", run.RunId);
            cmd.Parameters.AddWithValue("$ns", run.Namespace);
            cmd.Parameters.AddWithValue("$status", (int)run.Status);
            cmd.Parameters.AddWithValue("$start", run.StartTime.Ticks);
            cmd.Parameters.AddWithValue("$close", run.CloseTime is { } c ? c.Ticks : DBNull.Value);
            cmd.Parameters.AddWithValue("$request", run.Start.ToByteArray());
            cmd.Parameters.AddWithValue("$history", history.ToByteArray());
            cmd.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public List<StoredRun> LoadAll()
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT namespace, run_id, start_request, history, status, start_time, close_time FROM runs ORDER BY start_time";
        using SqliteDataReader reader = cmd.ExecuteReader();
        List<StoredRun> runs = [];
        while (reader.Read())
        {
            runs.Add(new StoredRun(
                reader.GetString(0),
                reader.GetString(1),
                StartWorkflowExecutionRequest.Parser.ParseFrom((byte[])reader[2]),
                History.Parser.ParseFrom((byte[])reader[3]),
                (WorkflowExecutionStatus)reader.GetInt32(4),
                new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
                reader.IsDBNull(6) ? null : new DateTime(reader.GetInt64(6), DateTimeKind.Utc)));
        }

        return runs;
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
