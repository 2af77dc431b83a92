//! Seeds a fresh database with N contacts spread over accounts (one per 20 contacts), through the
//! store's bulk path, merges its search index, and prints how long it took as JSON.

use std::time::Instant;

use clap::Parser;
use contacts_bench::seeded_contact;
use contacts_store::{PoolOptions, SqliteStore};

#[derive(Parser)]
struct Args {
    /// The SQLite file to create (it must not hold contacts yet).
    #[arg(long)]
    db: String,
    #[arg(long, default_value_t = 1_000_000)]
    contacts: u64,
}

const BATCH: u64 = 50_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let started = Instant::now();
    let store = SqliteStore::open(&args.db, PoolOptions::default())?;
    let account_count = (args.contacts / 20).max(1);
    let names: Vec<String> = (0..account_count).map(|n| format!("Account {n}")).collect();
    let account_ids = store.bulk_insert_accounts(&names)?;
    let mut next = 0;
    while next < args.contacts {
        let end = (next + BATCH).min(args.contacts);
        let batch = (next..end)
            .map(|n| {
                (
                    seeded_contact(n),
                    Some(account_ids[(n % account_count) as usize]),
                )
            })
            .collect();
        store.bulk_insert_contacts(batch)?;
        next = end;
    }
    // Part of building the database: without it, the first creates served pay the search
    // index's merge work left over from the bulk load (create p99 163 ms instead of 8).
    store.optimize_search_index()?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"contacts": args.contacts, "accounts": account_count, "seconds": seconds, "contacts_per_second": args.contacts as f64 / seconds})
    );
    Ok(())
}
