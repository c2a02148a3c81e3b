-- metrics
SELECT COUNT(*) FILTER(WHERE "id" IS NULL OR "email" IS NULL) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE "id" IS NULL OR "email" IS NULL LIMIT 5;
