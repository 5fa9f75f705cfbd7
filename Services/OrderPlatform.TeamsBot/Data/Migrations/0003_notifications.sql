-- One row per (case, notify idempotency key): claimed while it is being sent, then what it got, so a repeated notify
-- (a Worker retry after a lost response) is answered from here instead of posting the message again.
CREATE TABLE teamsbot_notifications (
    case_id         text        NOT NULL,
    idempotency_key text        NOT NULL,
    claimed_until   timestamptz NULL,
    sent_at         timestamptz NULL,
    activity_id     text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, idempotency_key));
