-- metrics
SELECT COUNT(CASE WHEN "email" IS NULL THEN 1 END) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
