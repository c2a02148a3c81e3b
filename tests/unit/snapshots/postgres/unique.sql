-- metrics
SELECT COUNT(*) FILTER(WHERE region = 'eu') AS m0, COUNT(*) FILTER(WHERE region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL)) AS m1, (SELECT COUNT(DISTINCT ("id", "day")) FROM "raw"."orders" WHERE region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL)) AS m2 FROM "raw"."orders";
-- samples
SELECT "id", "day", COUNT(*) AS "duplicate_rows" FROM "raw"."orders" WHERE region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL) GROUP BY "id", "day" HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC NULLS LAST LIMIT 5;
