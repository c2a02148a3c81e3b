-- metrics
SELECT (SELECT COUNT(DISTINCT "customer_id") FROM "raw"."orders") AS m0;
