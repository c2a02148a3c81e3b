-- metrics
SELECT COUNT(DISTINCT "customer_id") AS m0 FROM "raw"."orders";
