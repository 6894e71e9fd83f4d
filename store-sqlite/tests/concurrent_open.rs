//! Several stores opening one new database file at the same moment all succeed. A new file starts
//! in rollback-journal mode, and SQLite answers "database is locked" at once, without waiting out
//! the busy timeout, to a connection that holds a read lock and wants the write lock another
//! holds (its deadlock avoidance): switching the file to WAL can meet exactly that. This is what
//! the two-process test met in CI, made frequent: many files, several openers each.

use store_sqlite::SqliteStorage;
use store_sqlite::test_support::ScratchDir;

const FILES: usize = 40;
const OPENERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opening_one_new_file_at_once_all_succeed() {
    for file in 0..FILES {
        let dir = ScratchDir::create("concurrent_open").expect("scratch directory");
        let config = dir.config();
        let openers: Vec<_> = (0..OPENERS)
            .map(|_| {
                let config = config.clone();
                tokio::spawn(async move { SqliteStorage::open(&config).await })
            })
            .collect();
        for opener in openers {
            match opener.await.expect("opener task") {
                Ok(storage) => {
                    storage.health().await.unwrap_or_else(|err| panic!("file {file}: a read failed: {err}"));
                    storage.close().await;
                }
                Err(err) => panic!("file {file}: an opener failed: {err}"),
            }
        }
    }
}
