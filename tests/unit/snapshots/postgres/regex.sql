-- metrics
SELECT COUNT(*) FILTER(WHERE NOT "email" IS NULL AND NOT CAST("email" AS TEXT) ~ '^[^@]+@[^@]+$') AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "email" IS NULL AND NOT CAST("email" AS TEXT) ~ '^[^@]+@[^@]+$' LIMIT 5;
