-- metrics
SELECT COUNT(*) FILTER(WHERE NOT "day" IS NULL AND ("day" < '2026-01-01' OR "day" > '2026-12-31')) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "day" IS NULL AND ("day" < '2026-01-01' OR "day" > '2026-12-31') LIMIT 5;
