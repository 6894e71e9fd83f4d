//! For backends that read a record and its child rows with one `parent LEFT JOIN children`
//! query: the rows grouped back into records.

use crate::StoreResult;

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
