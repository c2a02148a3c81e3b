-- metrics
SELECT COUNT(CASE WHEN NOT "email" IS NULL AND NOT REGEXP_MATCHES(CAST("email" AS TEXT), '^[^@]+@[^@]+$') THEN 1 END) AS m0, COUNT(*) AS m1 FROM "raw"."orders";
-- samples
SELECT * FROM "raw"."orders" WHERE NOT "email" IS NULL AND NOT REGEXP_MATCHES(CAST("email" AS TEXT), '^[^@]+@[^@]+$') LIMIT 5;
