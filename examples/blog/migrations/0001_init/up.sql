-- schemac: parent none
SET lock_timeout = '5s';
SET statement_timeout = '1h';

-- step 1
BEGIN;
CREATE TABLE "public"."users" (
    "id" bigint NOT NULL,
    "email" text NOT NULL,
    CONSTRAINT "pk_users" PRIMARY KEY ("id")
);
CREATE TABLE "public"."posts" (
    "id" bigint NOT NULL,
    "author" bigint NOT NULL,
    "title" text NOT NULL,
    CONSTRAINT "pk_posts" PRIMARY KEY ("id")
);
CREATE INDEX "idx_posts_author" ON "public"."posts" ("author");
ALTER TABLE "public"."posts" ADD CONSTRAINT "fk_posts_author" FOREIGN KEY ("author") REFERENCES "public"."users" ("id") ON DELETE CASCADE;
COMMIT;
