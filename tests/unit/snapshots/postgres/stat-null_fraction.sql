-- metrics
SELECT COUNT(*) FILTER(WHERE "email" IS NULL) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
