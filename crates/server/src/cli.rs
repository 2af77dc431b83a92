//! The command line: `contacts-gateway [--config FILE] <serve | migrate | keys … | webhooks … |
//! import …>`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "contacts-gateway",
    version,
    about = "One contacts store, three contact API dialects (Grow, Pylon, Workshop)."
)]
pub struct Cli {
    /// A TOML config file layered over config/default.toml (environment variables still win).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (the default).
    Serve,
    /// Create the database if needed and apply every pending migration.
    Migrate,
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage webhook endpoints (the change feed's events, POSTed and signed).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Import contacts from a CSV file: the write path when the sync source is not the API.
    Import(ImportArgs),
    /// Copy the live database to FILE (which must not exist) while the server serves and
    /// writes, and check the copy's integrity before reporting success.
    Backup {
        /// The new backup file.
        file: PathBuf,
    },
    /// Copy a SQLite directory into an empty PostgreSQL database, keeping every id and key.
    Copy {
        /// The SQLite file.
        #[arg(long, value_name = "SQLITE_PATH")]
        from: PathBuf,
        /// The PostgreSQL database (`postgres://user@host/db`), migrated first.
        #[arg(long, value_name = "POSTGRES_URL")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it, alone, on standard output. It is not shown again.
    Create {
        #[arg(long)]
        name: String,
        /// The key may read but not write.
        #[arg(long)]
        read_only: bool,
        /// The key's own limit in requests a second, instead of [rate_limit] in the config.
        #[arg(long, value_name = "PER_SECOND", value_parser = clap::value_parser!(u32).range(1..))]
        rate_limit: Option<u32>,
        /// Requests the key may send at once above its rate (with --rate-limit; default: the
        /// rate itself).
        #[arg(long, requires = "rate_limit", value_parser = clap::value_parser!(u32).range(1..))]
        burst: Option<u32>,
    },
    /// List keys (names, flags and dates; never the keys themselves).
    List,
    /// Revoke a key by name; requests with it get 401 from then on.
    Revoke { name: String },
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Add an endpoint; prints its id and its signing secret, which is not shown again. It
    /// receives the events committed from now on.
    Add {
        #[arg(long)]
        url: String,
        /// Only these event types (comma-separated); every type without it.
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
    },
    /// List endpoints: id, URL, event types, backlog, failures and the last error.
    List,
    /// Remove an endpoint by id.
    Remove { id: String },
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The source name recorded on each row (defaults to the configured sync source).
    #[arg(long)]
    pub source: Option<String>,
    /// Report what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete this source's contacts that are missing from the file.
    #[arg(long)]
    pub prune: bool,
}
