-- metrics
SELECT COUNT(*) FILTER(WHERE NOT "status" IS NULL AND NOT "status" IN ('paid', 3)) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- details
SELECT "status" AS k0, COUNT(*) AS g0 FROM "raw"."orders" WHERE NOT "status" IS NULL AND NOT "status" IN ('paid', 3) GROUP BY "status" ORDER BY g0 DESC NULLS LAST, k0 LIMIT 11;
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "status" IS NULL AND NOT "status" IN ('paid', 3) LIMIT 5;
