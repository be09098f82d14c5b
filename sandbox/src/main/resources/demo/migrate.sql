-- What the prosaas image's migration (python -m server.db_migrate) does, as SQL: 115-117 written
-- idempotently, so a second run or a half-built table is repaired rather than skipped.
CREATE TABLE IF NOT EXISTS business (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS leads (id bigserial PRIMARY KEY, business_id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (id bigserial PRIMARY KEY, business_id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS gmail_receipts (id bigserial PRIMARY KEY, receipt_id bigint NOT NULL);
-- 115: business calendars and routing rules
CREATE TABLE IF NOT EXISTS business_calendars (id bigserial PRIMARY KEY, business_id bigint NOT NULL);
ALTER TABLE business_calendars ADD COLUMN IF NOT EXISTS is_active boolean NOT NULL DEFAULT true;
CREATE INDEX IF NOT EXISTS idx_business_calendars_business_active ON business_calendars (business_id, is_active);
CREATE TABLE IF NOT EXISTS calendar_routing_rules (id bigserial PRIMARY KEY, calendar_id bigint NOT NULL);
ALTER TABLE calendar_routing_rules ADD COLUMN IF NOT EXISTS question_text text;
