namespace OrderPlatform.Postgres;

/// <summary>
/// The owners of tables in <c>ordersdb</c>, in one place. Three deployables share that database and each ships and
/// migrates its own tables, so each keeps its own list of scripts and its own history table; the history table also
/// names the advisory lock, so replicas of one owner serialise with each other while different owners never wait on,
/// or record into, each other's histories. A table or extension belongs to exactly one owner: a second owner that needs
/// it reads it, and never creates or alters it in its own scripts.
/// </summary>
public static class OrdersDatabase
{
    /// <summary>The case store (<c>order_cases</c>, <c>order_case_events</c>), migrated by the Api and the Worker.</summary>
    public const string CaseStoreHistory = "order_cases_migrations";

    /// <summary>The Worker's catalogue replica (and <c>pg_trgm</c>) and its confirmed mapping history.</summary>
    public const string WorkerHistory = "worker_migrations";

    /// <summary>The Teams bot's conversations, durable activities and notification ledger.</summary>
    public const string TeamsBotHistory = "teamsbot_migrations";
}
