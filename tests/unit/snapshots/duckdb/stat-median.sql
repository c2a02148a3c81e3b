-- metrics
SELECT MEDIAN("amount") AS m0 FROM "raw"."orders";
