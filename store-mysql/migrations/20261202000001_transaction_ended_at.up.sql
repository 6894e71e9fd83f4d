-- Retention: when the transaction's first end was applied (the store's clock, microseconds
-- since the epoch); NULL while it is open. Pruning deletes ended transactions with their
-- meter values, one InnoDB transaction per batch, under the transactions' row locks.
ALTER TABLE charging_transaction
    ADD COLUMN ended_at_micros BIGINT NULL,
    ADD INDEX charging_transaction_ended_at (ended_at_micros);
