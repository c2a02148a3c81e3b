-- metrics
SELECT COUNT(*) FILTER(WHERE NOT "country" IS NULL AND (LENGTH(CAST("country" AS TEXT)) < 2 OR LENGTH(CAST("country" AS TEXT)) > 2)) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "country" IS NULL AND (LENGTH(CAST("country" AS TEXT)) < 2 OR LENGTH(CAST("country" AS TEXT)) > 2) LIMIT 5;
