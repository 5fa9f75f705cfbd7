-- The catalogue replica. IF NOT EXISTS throughout: databases created before migrations already hold these objects
-- (the Worker made them itself at start) and adopt them as they are. The lock is the one that code took, so a replica
-- of the old version starting during a rolling deploy cannot run the same DDL at the same moment.
SELECT pg_advisory_xact_lock(4242002);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS catalog_customers (
    id text PRIMARY KEY, number text NOT NULL, name text NOT NULL, email text NULL, aliases text[] NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS catalog_items (
    id text PRIMARY KEY, sku text NOT NULL, sku_norm text NOT NULL, ean text NULL, name text NOT NULL, unit text NULL,
    rate numeric NULL, aliases text[] NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS catalog_customers_name_trgm ON catalog_customers USING gin (lower(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS catalog_items_name_trgm ON catalog_items USING gin (lower(name) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS catalog_items_sku ON catalog_items (upper(sku));
CREATE INDEX IF NOT EXISTS catalog_items_sku_norm ON catalog_items (sku_norm);
CREATE INDEX IF NOT EXISTS catalog_items_ean ON catalog_items (ean);
CREATE INDEX IF NOT EXISTS catalog_items_name_trgm_gist ON catalog_items USING gist (lower(name) gist_trgm_ops);
CREATE INDEX IF NOT EXISTS catalog_items_ean_digits ON catalog_items (ltrim(ean, '0'));
CREATE INDEX IF NOT EXISTS catalog_items_aliased ON catalog_items (id) WHERE cardinality(aliases) > 0;
