//! docs/SCALE_OUT.md's sharding plan holds for the schema the migrations create: every table has
//! a role, and each distributed table keeps `charge_station_id` in every key Citus must enforce
//! on one shard. The roles are read from the document itself, so the two cannot drift.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sqlx::postgres::PgPoolOptions;
use store_core::SystemClock;
use store_postgres::test_support::ScratchSchema;

const DISTRIBUTION_COLUMN: &str = "charge_station_id";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Distributed,
    Reference,
}

/// What the catalogue says about one schema.
#[derive(Debug, Default)]
struct Schema {
    /// Table → its columns.
    tables: BTreeMap<String, BTreeSet<String>>,
    /// (table, index, columns) of every unique index: primary keys and unique constraints too.
    unique_indexes: Vec<(String, String, Vec<String>)>,
    /// (table, columns, referenced table, referenced columns).
    foreign_keys: Vec<(String, Vec<String>, String, Vec<String>)>,
}

/// `| `table` | role |` rows of docs/SCALE_OUT.md.
fn documented_roles() -> BTreeMap<String, Role> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/SCALE_OUT.md");
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let [_, table, role, _] = cells.as_slice() else { return None };
            let table = table.strip_prefix('`')?.strip_suffix('`')?;
            let role = match *role {
                "distributed" => Role::Distributed,
                "reference" => Role::Reference,
                _ => return None,
            };
            Some((table.to_owned(), role))
        })
        .collect()
}

/// Every way `schema` breaks the plan `roles`; empty when it holds.
fn violations(schema: &Schema, roles: &BTreeMap<String, Role>) -> Vec<String> {
    let mut found = Vec::new();
    for table in schema.tables.keys().filter(|table| !roles.contains_key(*table)) {
        found.push(format!("table {table} has no role in docs/SCALE_OUT.md"));
    }
    for table in roles.keys().filter(|table| !schema.tables.contains_key(*table)) {
        found.push(format!("docs/SCALE_OUT.md names {table}, which the schema does not have"));
    }
    let distributed = |table: &str| roles.get(table) == Some(&Role::Distributed);
    for (table, columns) in &schema.tables {
        if distributed(table) && !columns.contains(DISTRIBUTION_COLUMN) {
            found.push(format!("distributed table {table} has no {DISTRIBUTION_COLUMN} column"));
        }
    }
    for (table, index, columns) in &schema.unique_indexes {
        if distributed(table) && !columns.iter().any(|column| column == DISTRIBUTION_COLUMN) {
            found.push(format!(
                "unique index {index} of distributed table {table} lacks {DISTRIBUTION_COLUMN}: {columns:?}"
            ));
        }
    }
    for (table, columns, referenced, referenced_columns) in &schema.foreign_keys {
        let includes = |columns: &[String]| columns.iter().any(|column| column == DISTRIBUTION_COLUMN);
        match (distributed(table), distributed(referenced)) {
            (true, true) if !includes(columns) || !includes(referenced_columns) => found.push(format!(
                "foreign key {table}{columns:?} → {referenced}{referenced_columns:?} does not include {DISTRIBUTION_COLUMN}"
            )),
            (false, true) => found.push(format!("reference table {table} has a foreign key to distributed {referenced}")),
            _ => {}
        }
    }
    found
}

async fn schema_of(scratch: &ScratchSchema) -> Schema {
    let options = scratch.connect_options(&scratch.config(1)).expect("options");
    let pool = PgPoolOptions::new().max_connections(1).connect_with(options).await.expect("connect");
    let name = scratch.name.as_str();
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'",
    )
    .bind(name)
    .fetch_all(&pool)
    .await
    .expect("columns");
    let mut schema = Schema::default();
    for (table, column) in columns {
        schema.tables.entry(table).or_default().insert(column);
    }
    schema.unique_indexes = sqlx::query_as(
        "SELECT c.relname::text, i.relname::text,
                array(SELECT a.attname::text FROM unnest(x.indkey) AS k(attnum)
                      JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND x.indisunique AND c.relname <> '_sqlx_migrations'",
    )
    .bind(name)
    .fetch_all(&pool)
    .await
    .expect("unique indexes");
    schema.foreign_keys = sqlx::query_as(
        "SELECT c.relname::text,
                array(SELECT a.attname::text FROM unnest(k.conkey) AS u(attnum)
                      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
                f.relname::text,
                array(SELECT a.attname::text FROM unnest(k.confkey) AS u(attnum)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum)
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND k.contype = 'f'",
    )
    .bind(name)
    .fetch_all(&pool)
    .await
    .expect("foreign keys");
    pool.close().await;
    schema
}

#[tokio::test]
async fn the_migrated_schema_follows_the_sharding_plan() {
    let roles = documented_roles();
    assert!(roles.len() >= 10, "docs/SCALE_OUT.md's role table was not found: {roles:?}");
    let scratch = ScratchSchema::create("scale_out").await.unwrap_or_else(|err| panic!("{err}"));
    let store = scratch.store(Arc::new(SystemClock), 1).await.unwrap_or_else(|err| panic!("{err}"));
    store.storage().close().await;
    let schema = schema_of(&scratch).await;
    scratch.drop_now().await;
    assert!(!schema.unique_indexes.is_empty() && !schema.foreign_keys.is_empty(), "{schema:?}");
    let found = violations(&schema, &roles);
    assert!(found.is_empty(), "{found:#?}");
}

/// The rules catch what they are for: the check above can fail.
#[test]
fn each_rule_reports_what_breaks_it() {
    let columns = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect::<BTreeSet<_>>();
    let strings = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>();
    let roles: BTreeMap<String, Role> = [
        ("station".to_owned(), Role::Distributed),
        ("session".to_owned(), Role::Distributed),
        ("tariff".to_owned(), Role::Reference),
        ("gone".to_owned(), Role::Reference),
    ]
    .into();
    let schema = Schema {
        tables: [
            ("station".to_owned(), columns(&["charge_station_id", "name"])),
            ("session".to_owned(), columns(&["session_id"])),
            ("tariff".to_owned(), columns(&["id", "charge_station_id"])),
            ("unplanned".to_owned(), columns(&["id"])),
        ]
        .into(),
        unique_indexes: vec![
            ("station".to_owned(), "station_pkey".to_owned(), strings(&["charge_station_id"])),
            ("station".to_owned(), "station_name_key".to_owned(), strings(&["name"])),
        ],
        foreign_keys: vec![
            ("session".to_owned(), strings(&["session_id"]), "station".to_owned(), strings(&["name"])),
            (
                "tariff".to_owned(),
                strings(&["charge_station_id"]),
                "station".to_owned(),
                strings(&["charge_station_id"]),
            ),
        ],
    };
    let found = violations(&schema, &roles);
    let expected = [
        "table unplanned has no role",
        "names gone, which the schema does not have",
        "distributed table session has no charge_station_id column",
        "unique index station_name_key",
        "foreign key session",
        "reference table tariff has a foreign key to distributed station",
    ];
    for what in expected {
        assert!(found.iter().any(|violation| violation.contains(what)), "{what} not reported: {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}
