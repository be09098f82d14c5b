-- The old, non-idempotent 115: it created calendar_routing_rules in an earlier, failed attempt and
-- now skips it because the table exists - leaving it without question_text.
CREATE TABLE IF NOT EXISTS business (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS leads (id bigserial PRIMARY KEY, business_id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (id bigserial PRIMARY KEY, business_id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS gmail_receipts (id bigserial PRIMARY KEY, receipt_id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS business_calendars (id bigserial PRIMARY KEY, business_id bigint NOT NULL, is_active boolean NOT NULL DEFAULT true);
CREATE INDEX IF NOT EXISTS idx_business_calendars_business_active ON business_calendars (business_id, is_active);
CREATE TABLE IF NOT EXISTS calendar_routing_rules (id bigserial PRIMARY KEY, calendar_id bigint NOT NULL);
