-- metrics
SELECT COUNT(CASE WHEN "id" IS NULL OR "email" IS NULL THEN 1 END) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE "id" IS NULL OR "email" IS NULL LIMIT 5;
