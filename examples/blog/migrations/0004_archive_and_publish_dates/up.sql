-- schemac: parent 0003_post_status
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
-- hazards: irreversible
-- The value is the last one in the schema.
-- squawk-ignore require-enum-value-ordering
ALTER TYPE "public"."post_status" ADD VALUE 'archived';
COMMIT;

-- step 2
BEGIN;
ALTER TABLE "public"."posts" ADD COLUMN "published_at" timestamptz;
COMMIT;

-- step 3: outside a transaction
-- hazards: index-build
-- No IF NOT EXISTS: it would keep the INVALID index a failed build
-- leaves; the runner drops that one instead.
-- squawk-ignore prefer-robust-stmts
CREATE INDEX CONCURRENTLY "idx_posts_status_published_at" ON "public"."posts" ("status", "published_at");

-- step 4
BEGIN;
COMMENT ON TYPE "public"."post_status" IS 'A post''s place in its life.';
COMMENT ON TABLE "public"."posts" IS 'A text, by one user.';
COMMENT ON TABLE "public"."users" IS 'Someone who writes.';
COMMIT;
