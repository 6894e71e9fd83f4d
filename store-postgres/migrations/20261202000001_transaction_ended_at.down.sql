DROP INDEX charging_transaction_ended_at;
ALTER TABLE charging_transaction DROP COLUMN ended_at;
