-- schemac: parent 0001_init
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
-- hazards: data-loss
ALTER TABLE "public"."posts" DROP COLUMN "body";
-- hazards: data-loss
ALTER TABLE "public"."users" DROP COLUMN "name";
COMMIT;
