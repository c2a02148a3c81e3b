-- metrics
SELECT COUNT(CASE WHEN region = 'eu' THEN 1 END) AS m0 FROM "raw"."orders";
