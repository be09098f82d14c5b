-- What release 3's contract phase (python -m server.db_contract) does, once no pod of release 2
-- is left: drop the column only releases 1 and 2 read.
ALTER TABLE calendar_routing_rules DROP COLUMN IF EXISTS question_text;
