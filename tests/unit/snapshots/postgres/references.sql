-- metrics
SELECT COUNT(CASE WHEN _src.region = 'eu' AND (NOT "_src"."customer_id" IS NULL AND NOT EXISTS(SELECT 1 FROM "raw"."customers" AS _ref WHERE "_ref"."id" = "_src"."customer_id")) THEN 1 END) AS failing, COUNT(CASE WHEN _src.region = 'eu' THEN 1 END) AS scope FROM "raw"."orders" AS _src;
-- samples
SELECT _src.* FROM "raw"."orders" AS _src WHERE _src.region = 'eu' AND (NOT "_src"."customer_id" IS NULL AND NOT EXISTS(SELECT 1 FROM "raw"."customers" AS _ref WHERE "_ref"."id" = "_src"."customer_id")) LIMIT 5;
