//! The `contacts-gateway` binary: parses the command line and runs the chosen command.

use std::process::ExitCode;

use clap::Parser;
use contacts_core::{Conflict, CoreError, Directory, Entity, RateLimit};
use contacts_gateway::cli::{Cli, Command, KeysCommand, WebhooksCommand};
use contacts_gateway::error::CommandError;
use contacts_gateway::{
    config, database_location, import, keys, logging, open_store, serve, webhooks,
};

/// jemalloc instead of glibc's malloc: a page of contacts is hundreds of small strings,
/// allocated on a blocking thread and freed on an actix worker, and glibc's fast-bin
/// consolidation took 5% of a list request's CPU (docs/performance.md, round 5).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CommandError> {
    let settings = config::load(&std::env::current_dir()?, cli.config.as_deref())?;
    logging::init(settings.log.format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => actix_web::rt::System::new().block_on(serve::run(settings)),
        Command::Migrate => {
            open_store(&settings)?;
            println!("database {} is up to date", database_location(&settings)?);
            Ok(())
        }
        Command::Keys(command) => {
            let store = open_store(&settings)?;
            run_keys(store.as_directory(), command)
        }
        Command::Webhooks(command) => {
            let store = open_store(&settings)?;
            run_webhooks(store.as_directory(), command)
        }
        Command::Import(args) => {
            let store = open_store(&settings)?;
            import::run(store.as_directory(), &settings, &args)
        }
        Command::Copy { from, to } => {
            if !contacts_store::is_postgres_url(&to) {
                return Err(CommandError::Usage(
                    "--to must be a PostgreSQL URL (postgres://user@host/database)".into(),
                ));
            }
            let report = contacts_store::copy_sqlite_to_postgres(&from.display().to_string(), &to)?;
            for (table, rows) in &report.tables {
                println!("{table}\t{rows}");
            }
            println!(
                "copied {} into PostgreSQL, every id and key kept",
                from.display()
            );
            Ok(())
        }
        Command::Backup { file } => {
            if file.exists() {
                return Err(CommandError::Usage(format!(
                    "{} exists already; a backup is written to a new file",
                    file.display()
                )));
            }
            let store = open_store(&settings)?;
            let report = store.backup_to(&file)?;
            println!(
                "backup {}: {} bytes, {} live contacts, integrity ok",
                file.display(),
                report.bytes,
                report.live_contacts
            );
            Ok(())
        }
    }
}

fn run_webhooks(store: &dyn Directory, command: WebhooksCommand) -> Result<(), CommandError> {
    match command {
        WebhooksCommand::Add { url, events } => {
            let events: Vec<String> = events
                .iter()
                .map(|kind| kind.trim().to_owned())
                .filter(|kind| !kind.is_empty())
                .collect();
            let added = store.add_webhook(webhooks::new_endpoint(&url, &events)?)?;
            println!("{}", added.id);
            println!("{}", added.secret);
            Ok(())
        }
        WebhooksCommand::List => {
            for endpoint in store.list_webhooks()? {
                let types = if endpoint.event_types.is_empty() {
                    "all events".to_owned()
                } else {
                    endpoint.event_types.join(",")
                };
                println!(
                    "{}\t{}\t{types}\tbacklog {}\tfailed {}\tlast error {}",
                    endpoint.id,
                    endpoint.url,
                    endpoint.backlog,
                    endpoint.failed,
                    endpoint.last_error.as_deref().unwrap_or("none")
                );
            }
            Ok(())
        }
        WebhooksCommand::Remove { id } => {
            if store.remove_webhook(&id)? {
                println!("removed {id}");
                Ok(())
            } else {
                Err(CommandError::Usage(format!(
                    "no webhook endpoint has the id {id:?}"
                )))
            }
        }
    }
}

fn run_keys(store: &dyn Directory, command: KeysCommand) -> Result<(), CommandError> {
    match command {
        KeysCommand::Create {
            name,
            read_only,
            rate_limit,
            burst,
        } => {
            if name.trim().is_empty() {
                return Err(CommandError::Usage("a key needs a non-empty --name".into()));
            }
            let rate_limit = rate_limit.map(|per_second| RateLimit {
                per_second,
                burst: burst.unwrap_or(per_second),
            });
            match keys::create_limited(store, &name, read_only, rate_limit) {
                Ok((key, _)) => {
                    println!("{}", key.expose());
                    Ok(())
                }
                Err(CoreError::Conflict(Conflict::KeyNameTaken)) => Err(CommandError::Usage(
                    format!("a key named {name:?} already exists"),
                )),
                Err(err) => Err(err.into()),
            }
        }
        KeysCommand::List => {
            for record in store.list_keys()? {
                println!("{}", keys::describe(&record));
            }
            Ok(())
        }
        KeysCommand::Revoke { name } => match store.revoke_key(&name) {
            Ok(record) => {
                println!("{}", keys::describe(&record));
                Ok(())
            }
            Err(CoreError::NotFound(Entity::ApiKey)) => {
                Err(CommandError::Usage(format!("no key is named {name:?}")))
            }
            Err(err) => Err(err.into()),
        },
    }
}
