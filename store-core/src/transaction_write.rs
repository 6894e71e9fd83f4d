//! What each transaction write does (STORE_CONTRACT.md §2.7, R8), as data, for backends that
//! perform create, update and end with one upsert.

use chrono::{DateTime, Utc};

/// The record a write creates when the transaction is absent, and which of its fields replace
/// an existing record's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionWrite<'a> {
    pub id_token: &'a str,
    pub token_type: &'a str,
    pub start_seq_no: i64,
    pub ended_seq_no: i64,
    /// Added to `updated_seq_no_count` (also the value of a new record).
    pub counts_update: i64,
    pub offline: bool,
    /// `create`: id token, token type, start seq and offline replace the existing ones.
    pub replaces_start: bool,
    /// `end`: ended seq replaces the existing one (id token and token type are kept).
    pub replaces_end: bool,
    /// `end`: when it was applied; kept only if the record has none yet.
    pub ended_at: Option<DateTime<Utc>>,
}

impl<'a> TransactionWrite<'a> {
    pub fn create(id_token: &'a str, token_type: &'a str, seq_no: i64, offline: bool) -> Self {
        TransactionWrite {
            id_token,
            token_type,
            start_seq_no: seq_no,
            ended_seq_no: 0,
            counts_update: 0,
            offline,
            replaces_start: true,
            replaces_end: false,
            ended_at: None,
        }
    }

    pub fn update() -> Self {
        TransactionWrite {
            id_token: "",
            token_type: "",
            start_seq_no: 0,
            ended_seq_no: 0,
            counts_update: 1,
            offline: false,
            replaces_start: false,
            replaces_end: false,
            ended_at: None,
        }
    }

    /// A new record gets the id token and token type; an existing one keeps its own.
    pub fn end(id_token: &'a str, token_type: &'a str, seq_no: i64, ended_at: DateTime<Utc>) -> Self {
        TransactionWrite {
            id_token,
            token_type,
            start_seq_no: 0,
            ended_seq_no: seq_no,
            counts_update: 0,
            offline: false,
            replaces_start: false,
            replaces_end: true,
            ended_at: Some(ended_at),
        }
    }

    /// An import: on a store where the transaction has just been deleted, writes `transaction`
    /// whole, its counts and `ended_at` as given.
    pub fn import(transaction: &'a crate::Transaction, ended_at: Option<DateTime<Utc>>) -> Self {
        TransactionWrite {
            id_token: &transaction.id_token,
            token_type: &transaction.token_type,
            start_seq_no: transaction.start_seq_no,
            ended_seq_no: transaction.ended_seq_no,
            counts_update: transaction.updated_seq_no_count,
            offline: transaction.offline,
            replaces_start: true,
            replaces_end: true,
            ended_at,
        }
    }
}
