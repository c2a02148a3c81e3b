-- metrics
SELECT COUNT(*) FILTER(WHERE region = 'eu') AS m0 FROM "raw"."orders";
-- metrics
SELECT "gender" AS k0, COUNT(*) AS g0, COUNT(CASE WHEN "approved" = 'yes' THEN 1 END) AS g1, COUNT(CASE WHEN "approved" = 'yes' AND "repaid" = 'yes' THEN 1 END) AS g2, COUNT(CASE WHEN "approved" = 'yes' AND NOT ("repaid" = 'yes') THEN 1 END) AS g3, COUNT(CASE WHEN NOT ("approved" = 'yes') AND "repaid" = 'yes' THEN 1 END) AS g4, COUNT(CASE WHEN NOT ("approved" = 'yes') AND NOT ("repaid" = 'yes') THEN 1 END) AS g5 FROM "raw"."orders" WHERE region = 'eu' AND ((NOT "approved" IS NULL AND NOT "gender" IS NULL) AND NOT "repaid" IS NULL) GROUP BY "gender" ORDER BY k0;
