-- One registration per flow (re-publishing replaces it, never adds a second: activepieces #14764).
CREATE TABLE flow_schedule (
    flow_id uuid PRIMARY KEY REFERENCES flow (id) ON DELETE CASCADE,
    flow_version_id uuid NOT NULL REFERENCES flow_version (id),
    next_fire_at timestamptz NOT NULL
);

CREATE INDEX flow_schedule_due ON flow_schedule (next_fire_at);

ALTER TABLE flow_run ADD COLUMN fire_time timestamptz;

-- A fire time of a version runs once, whichever replica claims it.
CREATE UNIQUE INDEX flow_run_fire_once ON flow_run (flow_version_id, fire_time) WHERE fire_time IS NOT NULL;
