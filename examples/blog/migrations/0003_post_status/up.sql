-- schemac: parent 0002_add_name_and_body
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
CREATE TYPE "public"."post_status" AS ENUM ('draft', 'published');
ALTER TABLE "public"."posts" ADD COLUMN "status" "public"."post_status" DEFAULT 'draft' NOT NULL;
COMMIT;

-- step 2: outside a transaction
-- hazards: index-build
-- No IF NOT EXISTS: it would keep the INVALID index a failed build
-- leaves; the runner drops that one instead.
-- squawk-ignore prefer-robust-stmts
CREATE UNIQUE INDEX CONCURRENTLY "uq_users_email" ON "public"."users" ("email");

-- step 3
BEGIN;
ALTER TABLE "public"."users" ADD CONSTRAINT "uq_users_email" UNIQUE USING INDEX "uq_users_email";
COMMIT;
