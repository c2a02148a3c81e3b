-- metrics
SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT "customer_id" FROM "raw"."orders" WHERE NOT "customer_id" IS NULL) AS _keys) AS m0;
