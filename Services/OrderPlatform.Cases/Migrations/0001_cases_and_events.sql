-- The case documents and their append-only audit trail (the schema before versioned migrations, kept idempotent so
-- databases created by it adopt this history).
CREATE TABLE IF NOT EXISTS order_cases (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    status text NOT NULL,
    version bigint NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    document jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS order_cases_tenant_status ON order_cases (tenant_id, status, created_at DESC);
CREATE INDEX IF NOT EXISTS order_cases_status ON order_cases (status, created_at DESC);
CREATE TABLE IF NOT EXISTS order_case_events (
    case_id text NOT NULL REFERENCES order_cases (id),
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    step text NOT NULL,
    detail text NOT NULL,
    from_status text NULL,
    to_status text NULL,
    PRIMARY KEY (case_id, seq));
CREATE OR REPLACE FUNCTION order_case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'order_case_events is append-only'; END $$;
CREATE OR REPLACE TRIGGER order_case_events_append_only BEFORE UPDATE OR DELETE ON order_case_events
    FOR EACH ROW EXECUTE FUNCTION order_case_events_append_only();
