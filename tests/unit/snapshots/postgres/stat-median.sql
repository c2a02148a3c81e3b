-- metrics
SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "amount") AS m0 FROM "raw"."orders";
