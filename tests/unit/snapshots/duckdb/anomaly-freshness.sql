-- metrics
SELECT MAX("loaded_at") AS m0, COUNT(*) AS m1 FROM "raw"."orders";
