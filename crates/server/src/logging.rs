//! The process's logger: env_logger on standard error, filtered by `RUST_LOG` (default
//! `info`), writing text lines or one JSON object per line.

use std::io::Write;

use contacts_core::Timestamp;
use serde_json::json;

use crate::config::LogFormat;
use crate::observe::REQUEST_TARGET;

pub fn init(format: LogFormat) {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if format == LogFormat::Json {
        builder.format(|out, record| {
            // Request lines are whole JSON objects already.
            if record.target() == REQUEST_TARGET {
                return writeln!(out, "{}", record.args());
            }
            let line = json!({
                "time": Timestamp::now().to_text(),
                "level": record.level().as_str(),
                "target": record.target(),
                "message": record.args().to_string(),
            });
            writeln!(out, "{line}")
        });
    }
    // A second start in one process (tests) keeps the first logger.
    let _ = builder.try_init();
}
