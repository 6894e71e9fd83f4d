-- Retention: when the transaction's first end was applied (the store's clock); NULL while it
-- is open. Pruning deletes ended transactions with their meter values (one database
-- transaction per batch, under the transactions' row locks), so "transactions are never
-- deleted" (the initial migration's note on meter_value) no longer holds; what still holds is
-- that meter values are only ever written or deleted under their transaction's row lock.
ALTER TABLE charging_transaction ADD COLUMN ended_at timestamptz;

-- Pruning finds ended transactions oldest first; open ones are not in the index.
CREATE INDEX charging_transaction_ended_at ON charging_transaction (ended_at) WHERE ended_at IS NOT NULL;
