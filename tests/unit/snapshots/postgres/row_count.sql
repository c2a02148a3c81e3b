-- metrics
SELECT COUNT(*) FILTER(WHERE region = 'eu') AS m0 FROM "raw"."orders";
