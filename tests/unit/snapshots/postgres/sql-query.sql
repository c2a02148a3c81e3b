-- metrics
SELECT COUNT(*) FROM raw.orders;
