//! The limit for the store: raw SQLite rates from Rust on the benchmark database, with the
//! gateway's pragmas — a point look-up of a contact row by id (on every core), single-row
//! inserts each committed on its own (as durable as the gateway's creates), and inserts
//! committed `--batch` at a time, the size of the group-commit batches the gateway's writer
//! formed under the same load (the harness reads it from the gateway's /metrics).

use std::time::{Duration, Instant};

use clap::Parser;
use contacts_store::{PoolOptions, SqliteStore};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use rand::Rng;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    db: String,
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Inserts per committed transaction for the batched rate.
    #[arg(long, default_value_t = 1)]
    batch: u64,
}

/// One raw insert, with the same indexes and triggers as the gateway's (they are the table's).
fn insert_one(
    conn: &mut SqliteConnection,
    started: Instant,
    n: u64,
    tag: &str,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO contacts (uid, first_name, last_name, name_key, email, email_key, source, created_at, updated_at) \
         VALUES (?, 'Raw', 'Insert', 'raw insert', ?, ?, 'api', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
    )
    .bind::<Text, _>(format!("raw-{tag}{n}-{}", started.elapsed().as_nanos()))
    .bind::<Text, _>(format!("raw{tag}{n}@raw.example"))
    .bind::<Text, _>(format!("raw{tag}{n}@raw.example"))
    .execute(conn)
}

#[derive(QueryableByName)]
#[allow(dead_code)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    uid: String,
    #[diesel(sql_type = Text)]
    first_name: String,
    #[diesel(sql_type = Text)]
    last_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    email: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let store = SqliteStore::open(
        &args.db,
        PoolOptions {
            max_connections: args.threads as u32 + 1,
            ..PoolOptions::default()
        },
    )?;
    let max_id: i64 = {
        #[derive(QueryableByName)]
        struct Max {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = store.pool().get()?;
        diesel::sql_query("SELECT COALESCE(MAX(id), 1) AS n FROM contacts")
            .get_result::<Max>(&mut conn)?
            .n
    };
    let window = Duration::from_secs_f64(args.seconds);

    let lookups: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.threads)
            .map(|_| {
                let pool = store.pool().clone();
                scope.spawn(move || {
                    let Ok(mut conn) = pool.get() else { return 0 };
                    let mut rng = rand::thread_rng();
                    let started = Instant::now();
                    let mut done = 0u64;
                    while started.elapsed() < window {
                        let id = rng.gen_range(1..=max_id);
                        let row: QueryResult<Row> = diesel::sql_query(
                            "SELECT id, uid, first_name, last_name, email FROM contacts WHERE id = ? AND deleted_at IS NULL",
                        )
                        .bind::<BigInt, _>(id)
                        .get_result(&mut conn);
                        if row.is_ok() {
                            done += 1;
                        }
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });

    let mut conn = store.pool().get()?;
    let started = Instant::now();
    let mut inserts = 0u64;
    while started.elapsed() < window {
        insert_one(&mut conn, started, inserts, "")?;
        inserts += 1;
    }
    let insert_seconds = started.elapsed().as_secs_f64();

    let batch = args.batch.max(1);
    let started = Instant::now();
    let mut batched = 0u64;
    while started.elapsed() < window {
        conn.immediate_transaction(|conn| {
            for n in batched..batched + batch {
                insert_one(conn, started, n, "b")?;
            }
            QueryResult::Ok(())
        })?;
        batched += batch;
    }
    let batched_seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "lookups_per_second": lookups as f64 / args.seconds,
            "inserts_per_second": inserts as f64 / insert_seconds,
            "batch": batch,
            "batched_inserts_per_second": batched as f64 / batched_seconds,
            "threads": args.threads,
        })
    );
    Ok(())
}
