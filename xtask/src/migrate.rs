//! `cargo xtask migrate up|down|status [--database-url URL]`: the embedded migrations.

use store_postgres::MIGRATOR;

use crate::command::Result;
use crate::database;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// Defaults to DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Apply every pending migration.
    Up,
    /// Revert the most recent migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

#[tokio::main(flavor = "current_thread")]
pub async fn run(args: Args) -> Result {
    let url = database::url(args.database_url)?;
    let pool = database::connect(database::options(&url)?).await?;
    let outcome = match args.action {
        Action::Up => MIGRATOR.run(&pool).await.map_err(|err| err.to_string()),
        Action::Down => {
            let applied = applied_versions(&pool).await?;
            let target = applied.iter().rev().nth(1).copied().unwrap_or(0);
            MIGRATOR.undo(&pool, target).await.map_err(|err| err.to_string())
        }
        Action::Status => {
            let applied = applied_versions(&pool).await?;
            for migration in MIGRATOR.iter().filter(|m| m.migration_type.is_up_migration()) {
                let state = if applied.contains(&migration.version) { "applied" } else { "pending" };
                println!("{} {} {state}", migration.version, migration.description);
            }
            Ok(())
        }
    };
    pool.close().await;
    outcome
}

async fn applied_versions(pool: &sqlx::PgPool) -> Result<Vec<i64>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .map_err(|err| err.to_string())?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(pool)
        .await
        .map_err(|err| err.to_string())
}
