-- Confirmed column mappings per tenant and customer. Adopts the table where the Worker created it on first use before
-- migrations, under that code's lock (see 0001).
SELECT pg_advisory_xact_lock(4242003);
CREATE TABLE IF NOT EXISTS mapping_history (
    tenant_id text NOT NULL, customer_key text NOT NULL, profile jsonb NOT NULL, confirmed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_key));
