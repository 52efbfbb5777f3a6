-- schemac: parent 0001_init
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
ALTER TABLE "public"."users" ADD COLUMN "name" text;
ALTER TABLE "public"."posts" ADD COLUMN "body" text;
COMMIT;
