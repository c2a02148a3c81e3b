-- metrics
SELECT STDDEV_SAMP("amount") AS m0 FROM "raw"."orders";
