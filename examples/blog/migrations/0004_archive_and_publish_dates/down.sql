-- schemac: parent 0003_post_status
-- NOT PLANNED: type public.post_status: enum values removed or reordered (PostgreSQL cannot drop a value)
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1: outside a transaction
DROP INDEX CONCURRENTLY "public"."idx_posts_status_published_at";

-- step 2
BEGIN;
-- hazards: data-loss
ALTER TABLE "public"."posts" DROP COLUMN "published_at";
COMMENT ON TYPE "public"."post_status" IS NULL;
COMMENT ON TABLE "public"."posts" IS NULL;
COMMENT ON TABLE "public"."users" IS NULL;
COMMIT;
