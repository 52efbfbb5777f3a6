-- schemac: parent none
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
-- hazards: data-loss
DROP TABLE "public"."posts";
-- hazards: data-loss
DROP TABLE "public"."users";
COMMIT;
