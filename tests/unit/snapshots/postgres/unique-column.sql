-- metrics
SELECT COUNT(*) AS m0, COUNT("id") AS m1, (SELECT COUNT(DISTINCT "id") FROM "raw"."orders") AS m2 FROM "raw"."orders";
-- samples
SELECT "id", COUNT(*) AS "duplicate_rows" FROM "raw"."orders" WHERE NOT "id" IS NULL GROUP BY "id" HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC NULLS LAST LIMIT 5;
