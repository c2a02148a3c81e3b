-- metrics
SELECT COUNT(DISTINCT CASE WHEN NOT "customer_id" IS NULL THEN "customer_id" END) AS m0 FROM "raw"."orders";
