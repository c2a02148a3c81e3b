-- metrics
SELECT AVG("amount") AS m0 FROM "raw"."orders";
