-- metrics
SELECT COUNT(*) AS failing FROM (SELECT * FROM raw.orders WHERE x < 0) AS _failing;
-- samples
SELECT * FROM (SELECT * FROM raw.orders WHERE x < 0) AS _failing LIMIT 5;
