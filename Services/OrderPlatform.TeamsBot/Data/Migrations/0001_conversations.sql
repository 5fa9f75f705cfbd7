-- Where each user's 1:1 chat is (one row per tenant and user). IF NOT EXISTS: databases created before versioned
-- migrations already have it.
CREATE TABLE IF NOT EXISTS teamsbot_conversations (
    tenant_id          text        NOT NULL,
    user_id            text        NOT NULL,
    service_url        text        NOT NULL,
    channel_id         text        NOT NULL,
    conversation_id    text        NOT NULL,
    user_aad_object_id text        NULL,
    bot_id             text        NOT NULL,
    locale             text        NULL,
    blocked_at         timestamptz NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id));
