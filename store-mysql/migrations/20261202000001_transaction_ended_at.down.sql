ALTER TABLE charging_transaction
    DROP INDEX charging_transaction_ended_at,
    DROP COLUMN ended_at_micros;
