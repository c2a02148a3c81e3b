-- metrics
SELECT COUNT(CASE WHEN region = 'eu' THEN 1 END) AS m0, COUNT(CASE WHEN region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL) THEN 1 END) AS m1, COUNT(DISTINCT CASE WHEN region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL) THEN ("id", "day") END) AS m2 FROM "raw"."orders";
-- samples
SELECT "id", "day", COUNT(*) AS "duplicate_rows" FROM "raw"."orders" WHERE region = 'eu' AND (NOT "id" IS NULL AND NOT "day" IS NULL) GROUP BY "id", "day" HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC LIMIT 5;
