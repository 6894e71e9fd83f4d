//! For backends that read a record and its child rows with one `parent LEFT JOIN children`
//! query: the rows grouped back into records.

use crate::{MeterValue, StoreResult, Transaction};

/// Groups rows already ordered by parent key into (parent key, children) pairs, in row order.
/// A row whose child part is `None` (a parent without children) contributes no child.
pub fn group_by_parent<R, C>(
    rows: Vec<R>,
    parent_key: impl Fn(&R) -> &str,
    mut child: impl FnMut(&R) -> StoreResult<Option<C>>,
) -> StoreResult<Vec<(String, Vec<C>)>> {
    let mut groups: Vec<(String, Vec<C>)> = Vec::new();
    for row in &rows {
        let key = parent_key(row);
        if groups.last().is_none_or(|(last, _)| last != key) {
            groups.push((key.to_owned(), Vec::new()));
        }
        if let (Some(child), Some((_, children))) = (child(row)?, groups.last_mut()) {
            children.push(child);
        }
    }
    Ok(groups)
}

/// Rows of `transactions LEFT JOIN meter values`, ordered by (charge station, transaction,
/// ordinal), grouped into transactions: `key` is a row's (charge station, transaction); `header`
/// makes the record (its meter values empty) from a transaction's first row; `meter_value`
/// reads each row's meter value (`None` on the one row of a transaction without any).
pub fn group_transactions<R>(
    rows: Vec<R>,
    key: impl Fn(&R) -> (&str, &str),
    header: impl Fn(&R) -> Transaction,
    mut meter_value: impl FnMut(&R) -> StoreResult<Option<MeterValue>>,
) -> StoreResult<Vec<Transaction>> {
    let mut transactions: Vec<Transaction> = Vec::new();
    for row in &rows {
        let (charge_station_id, transaction_id) = key(row);
        let same = transactions
            .last()
            .is_some_and(|last| last.charge_station_id == charge_station_id && last.transaction_id == transaction_id);
        if !same {
            transactions.push(header(row));
        }
        if let (Some(value), Some(transaction)) = (meter_value(row)?, transactions.last_mut()) {
            transaction.meter_values.push(value);
        }
    }
    Ok(transactions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_consecutive_rows_and_keeps_childless_parents() {
        let rows = vec![("a", Some(1)), ("a", Some(2)), ("b", None), ("c", Some(3))];
        let groups = group_by_parent(rows, |row| row.0, |row| Ok(row.1)).unwrap();
        assert_eq!(groups, vec![("a".to_owned(), vec![1, 2]), ("b".to_owned(), vec![]), ("c".to_owned(), vec![3])]);
    }
}
