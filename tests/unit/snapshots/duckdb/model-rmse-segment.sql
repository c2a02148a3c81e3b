-- metrics
SELECT COUNT(*) AS m0 FROM "raw"."orders";
-- metrics
SELECT "region" AS k0, COUNT(*) AS g0, SUM((CAST("y" AS DOUBLE) - CAST("p" AS DOUBLE)) * (CAST("y" AS DOUBLE) - CAST("p" AS DOUBLE))) AS g1 FROM "raw"."orders" WHERE NOT "p" IS NULL AND NOT "y" IS NULL GROUP BY "region" ORDER BY k0;
