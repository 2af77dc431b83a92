//! The read scenarios' ceilings: opens the database the gateway would open (the same
//! configuration and environment), then answers each scenario's requests in-process through the
//! dialects' handlers on every core, and prints each rate as JSON.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use contacts_bench::ceiling::{measure, ReadScenario};
use contacts_gateway::config;

/// The gateway's allocator, so that the ceiling is measured with it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
struct Args {
    /// A JSON list of scenarios: `{"name", "paths", "body"?}`.
    #[arg(long)]
    scenarios: PathBuf,
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Threads answering, as the server has workers: one per core.
    #[arg(long, default_value_t = std::thread::available_parallelism().map_or(1, usize::from))]
    threads: usize,
    /// Requests under way at a time in all, as wrk's connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let settings = config::load(&std::env::current_dir()?, None)?;
    let scenarios: Vec<ReadScenario> = serde_json::from_slice(&std::fs::read(&args.scenarios)?)?;
    let store = contacts_gateway::open_store(&settings)?;
    contacts_gateway::serve::warm_list_positions(&store);
    let gateway = contacts_gateway::gateway(&store, &settings);
    let threads = args.threads.max(1);
    let in_flight = args.connections.div_ceil(threads);
    let mut ceilings = Vec::new();
    for scenario in &scenarios {
        let ceiling = measure(
            &gateway,
            &settings,
            scenario,
            threads,
            in_flight,
            Duration::from_secs(args.seconds),
        )?;
        eprintln!(
            "  {:<40} {:>10.0} answers/s in-process ({} errors)",
            ceiling.scenario, ceiling.requests_per_second, ceiling.errors
        );
        ceilings.push(ceiling);
    }
    println!("{}", serde_json::to_string(&ceilings)?);
    Ok(())
}
