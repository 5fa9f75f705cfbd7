CREATE TABLE flow (
    id uuid PRIMARY KEY,
    display_name text NOT NULL,
    status text NOT NULL DEFAULT 'DISABLED' CHECK (status IN ('ENABLED', 'DISABLED')),
    published_version_id uuid UNIQUE,
    webhook_secret text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flow_version (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    number int NOT NULL,
    display_name text NOT NULL,
    schema_version int NOT NULL,
    definition jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('DRAFT', 'LOCKED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (flow_id, number)
);

CREATE UNIQUE INDEX flow_version_one_draft ON flow_version (flow_id) WHERE state = 'DRAFT';

ALTER TABLE flow ADD CONSTRAINT flow_published_version FOREIGN KEY (published_version_id) REFERENCES flow_version (id);

-- Published versions are immutable: runs name the version they ran, so changing one would rewrite history.
CREATE FUNCTION flow_version_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'LOCKED' THEN
        RAISE EXCEPTION 'flow version % is published and cannot change', OLD.id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER flow_version_locked BEFORE UPDATE ON flow_version FOR EACH ROW EXECUTE FUNCTION flow_version_locked();

CREATE TABLE flow_run (
    id uuid PRIMARY KEY,
    flow_id uuid NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    flow_version_id uuid NOT NULL REFERENCES flow_version (id),
    status text NOT NULL,
    sync boolean NOT NULL,
    attempt int NOT NULL DEFAULT 0,
    idempotency_key text,
    lease_owner text,
    lease_expires_at timestamptz,
    timeout_at timestamptz,
    resume_at timestamptz,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    failed_step text,
    error jsonb,
    response jsonb,
    UNIQUE (flow_id, idempotency_key)
);

CREATE INDEX flow_run_by_status ON flow_run (status, lease_expires_at);
CREATE INDEX flow_run_by_flow ON flow_run (flow_id, created_at DESC);

-- The trigger's request exactly as received (raw body kept for signature checks and reruns).
CREATE TABLE run_payload (
    run_id uuid PRIMARY KEY REFERENCES flow_run (id) ON DELETE CASCADE,
    method text NOT NULL,
    headers jsonb NOT NULL,
    query jsonb NOT NULL,
    content_type text,
    body bytea NOT NULL
);

CREATE TABLE step_run (
    run_id uuid NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    step_name text NOT NULL,
    attempt int NOT NULL,
    status text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    input jsonb,
    output jsonb,
    error jsonb,
    PRIMARY KEY (run_id, step_name, attempt)
);
