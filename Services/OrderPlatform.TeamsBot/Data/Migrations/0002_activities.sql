-- Messages acknowledged to the connector: written before the 200, handled under a lease, kept a while after they are
-- done so a connector retry of the same activity is recognised across restarts and replicas.
CREATE TABLE teamsbot_activities (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key   text        NOT NULL UNIQUE,
    payload      jsonb       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    attempts     int         NOT NULL DEFAULT 0,
    leased_by    text        NULL,
    leased_until timestamptz NULL,
    done_at      timestamptz NULL);
CREATE INDEX teamsbot_activities_pending ON teamsbot_activities (id) WHERE done_at IS NULL;
CREATE INDEX teamsbot_activities_done ON teamsbot_activities (done_at) WHERE done_at IS NOT NULL;
