-- schemac: parent 0002_add_name_and_body
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
ALTER TABLE "public"."users" DROP CONSTRAINT "uq_users_email";
-- hazards: data-loss
ALTER TABLE "public"."posts" DROP COLUMN "status";
-- hazards: data-loss
DROP TYPE "public"."post_status";
COMMIT;
