-- Retention: when the transaction's first end was applied (the store's clock, microseconds
-- since the epoch); NULL while it is open. Pruning deletes ended transactions with their
-- meter values, in one write transaction per batch.
ALTER TABLE charging_transaction ADD COLUMN ended_at_micros INTEGER;

-- Pruning finds ended transactions oldest first; open ones are not in the index.
CREATE INDEX charging_transaction_ended_at ON charging_transaction (ended_at_micros) WHERE ended_at_micros IS NOT NULL;
