-- metrics
SELECT COUNT(CASE WHEN NOT "country" IS NULL AND (LENGTH(CAST("country" AS TEXT)) < 2 OR LENGTH(CAST("country" AS TEXT)) > 2) THEN 1 END) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "country" IS NULL AND (LENGTH(CAST("country" AS TEXT)) < 2 OR LENGTH(CAST("country" AS TEXT)) > 2) LIMIT 5;
