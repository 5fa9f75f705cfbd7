-- Named secrets for steps ({{connections.name}}): the value only as AES-GCM ciphertext (nonce | tag | ciphertext),
-- the name bound in as associated data so a ciphertext copied onto another row does not decrypt.
CREATE TABLE connection (
    name text PRIMARY KEY,
    secret bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One waitpoint per (run, step) (spec §7): PENDING until its resume URL is called (COMPLETED, with the request) or its
-- deadline passes. A resume that beats the pause inserts the row already COMPLETED; a second resume changes nothing.
CREATE TABLE waitpoint (
    run_id uuid NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    step_name text NOT NULL,
    status text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'TIMED_OUT')),
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    payload jsonb,
    payload_blob text,
    PRIMARY KEY (run_id, step_name)
);

-- Large bodies live in blob storage (the blobs resource); these name the blob when the inline column is empty.
ALTER TABLE run_payload ADD COLUMN body_blob text;
ALTER TABLE step_run ADD COLUMN output_blob text;
