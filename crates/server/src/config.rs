//! Layered configuration: built-in defaults, then `config/default.toml` if present, then the
//! `--config` file, then `CONTACTS__<SECTION>__<KEY>` environment variables. Later layers win.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub sync: SyncSettings,
    pub dialects: DialectsSettings,
    pub rate_limit: RateLimitSettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
    pub events: EventsSettings,
    pub email: EmailSettings,
    pub webhooks: WebhooksSettings,
    pub idempotency: IdempotencySettings,
    pub sandbox: SandboxSettings,
    pub console: ConsoleSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSettings {
    /// The console page at `/_console/` (it can do nothing without a valid key).
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    /// The integrators' sandbox (`/_sandbox`: reset, request journal, injected faults). It
    /// keeps request and response bodies: never on in production.
    pub enabled: bool,
    /// How many requests the journal keeps.
    pub journal_size: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySettings {
    /// How long an `Idempotency-Key` and its stored answer are kept, in hours.
    pub retention_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksSettings {
    /// The waits before each retry of a delivery that got no 2xx, in seconds; after the last,
    /// the event is given up on and counted as a failure.
    pub retry_schedule_secs: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// `smtp://host:port`, `smtp://host?tls=required`, `smtps://user:password@host:465`; empty
    /// keeps welcome emails queued in the outbox.
    pub smtp_url: String,
    /// The sender of welcome emails.
    pub from: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsSettings {
    /// How long the change feed keeps an event, in days; older ones are pruned hourly.
    pub retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve `GET /metrics` (Prometheus' text format, no key needed).
    pub enabled: bool,
    /// "" serves it on the main listener; an address serves it there instead, and only there.
    pub bind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line of text per event.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Requests a second each key may make, sustained (a key's own limit wins); 0: no default.
    pub requests_per_second: u32,
    /// Requests a key may send at once above that rate.
    pub burst: u32,
    /// `none`, or `pylon`: Pylon's documented per-endpoint limits on the Pylon routes.
    pub preset: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address and port to listen on.
    pub bind: String,
    /// Largest request body read, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    pub shutdown_timeout_secs: u64,
    /// Seconds a request body may take to arrive in full; a slower one gets 408.
    pub body_timeout_secs: u64,
    /// PEM certificate chain; with `tls_key`, the gateway serves HTTPS itself.
    pub tls_cert: String,
    /// PEM private key of `tls_cert`.
    pub tls_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Path of the SQLite file; created with its folder on first start.
    pub url: String,
    pub max_connections: u32,
    pub busy_timeout_ms: u64,
    /// `full`: an acknowledged write survives power loss; `normal`: a process crash only.
    pub synchronous: SynchronousSetting,
    /// Writes that may wait for the writer at once; past it, 503 with Retry-After.
    pub max_queued_writes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SynchronousSetting {
    Full,
    Normal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// `api`, or the name of the outside system that feeds contacts through `import`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectsSettings {
    pub grow: DialectSettings,
    pub pylon: DialectSettings,
    pub workshop: DialectSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectSettings {
    pub enabled: bool,
    /// Path prefix the dialect is mounted under ("" for the root).
    pub prefix: String,
}

impl Default for Settings {
    fn default() -> Self {
        let on = |prefix: &str| DialectSettings {
            enabled: true,
            prefix: prefix.to_owned(),
        };
        Settings {
            server: ServerSettings {
                bind: "127.0.0.1:8080".into(),
                max_body_bytes: 1024 * 1024,
                workers: 0,
                shutdown_timeout_secs: 30,
                body_timeout_secs: 10,
                tls_cert: String::new(),
                tls_key: String::new(),
            },
            database: DatabaseSettings {
                url: "data/contacts.db".into(),
                max_connections: 8,
                busy_timeout_ms: 5000,
                synchronous: SynchronousSetting::Full,
                max_queued_writes: 32,
            },
            sync: SyncSettings {
                source: "api".into(),
            },
            dialects: DialectsSettings {
                grow: on("/api"),
                pylon: on(""),
                workshop: on(""),
            },
            rate_limit: RateLimitSettings {
                requests_per_second: 200_000,
                burst: 200_000,
                preset: "none".into(),
            },
            events: EventsSettings { retention_days: 30 },
            // Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
            console: ConsoleSettings { enabled: true },
            sandbox: SandboxSettings {
                enabled: false,
                journal_size: 1000,
            },
            idempotency: IdempotencySettings {
                retention_hours: 24,
            },
            webhooks: WebhooksSettings {
                retry_schedule_secs: vec![5, 300, 1800, 7200, 18000, 36000, 36000],
            },
            email: EmailSettings {
                smtp_url: String::new(),
                from: "contacts-gateway <no-reply@localhost>".into(),
            },
            metrics: MetricsSettings {
                enabled: true,
                bind: String::new(),
            },
            log: LogSettings {
                format: LogFormat::Text,
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the config file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    #[error("invalid configuration: {0}")]
    Rule(String),
}

/// Loads the layers. `base_dir` is where `config/default.toml` is looked for.
pub fn load(base_dir: &Path, explicit: Option<&Path>) -> Result<Settings, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    let default_file = base_dir.join("config").join("default.toml");
    if default_file.is_file() {
        figment = figment.merge(Toml::file(default_file));
    }
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(ConfigError::MissingFile(path.to_path_buf()));
        }
        figment = figment.merge(Toml::file(path));
    }
    figment = figment.merge(Env::prefixed("CONTACTS__").split("__"));
    let settings: Settings = figment.extract().map_err(Box::new)?;
    settings.check()?;
    Ok(settings)
}

impl Settings {
    fn check(&self) -> Result<(), ConfigError> {
        if self.sync.source.trim().is_empty() {
            return Err(ConfigError::Rule("sync.source must not be empty".into()));
        }
        if !["none", "pylon"].contains(&self.rate_limit.preset.as_str()) {
            return Err(ConfigError::Rule(
                "rate_limit.preset must be \"none\" or \"pylon\"".into(),
            ));
        }
        if self.database.max_queued_writes == 0 {
            return Err(ConfigError::Rule(
                "database.max_queued_writes must be at least 1".into(),
            ));
        }
        if self.server.tls_cert.is_empty() != self.server.tls_key.is_empty() {
            return Err(ConfigError::Rule(
                "server.tls_cert and server.tls_key go together: set both or neither".into(),
            ));
        }
        if self.server.body_timeout_secs == 0 {
            return Err(ConfigError::Rule(
                "server.body_timeout_secs must be at least 1".into(),
            ));
        }
        if self.server.max_body_bytes == 0 {
            return Err(ConfigError::Rule(
                "server.max_body_bytes must be at least 1".into(),
            ));
        }
        for (name, dialect) in [
            ("grow", &self.dialects.grow),
            ("pylon", &self.dialects.pylon),
            ("workshop", &self.dialects.workshop),
        ] {
            let prefix = &dialect.prefix;
            if !prefix.is_empty() && (!prefix.starts_with('/') || prefix.ends_with('/')) {
                return Err(ConfigError::Rule(format!(
                    "dialects.{name}.prefix must be empty or start with / and not end with /"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
// figment's Jail API fixes the closure's error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn jail_error(err: ConfigError) -> figment::Error {
        figment::Error::from(err.to_string())
    }

    #[test]
    fn defaults_alone() {
        Jail::expect_with(|jail| {
            let settings = load(jail.directory(), None).map_err(jail_error)?;
            assert_eq!(settings, Settings::default());
            assert_eq!(settings.database.url, "data/contacts.db");
            assert_eq!(settings.server.bind, "127.0.0.1:8080");
            assert_eq!(settings.sync.source, "api");
            Ok(())
        });
    }

    #[test]
    fn default_file_then_explicit_file_then_environment() {
        Jail::expect_with(|jail| {
            jail.create_dir("config")?;
            jail.create_file(
                "config/default.toml",
                "[server]\nbind = \"0.0.0.0:9000\"\n[database]\nurl = \"from-default.db\"\n[sync]\nsource = \"csv\"\n",
            )?;
            jail.create_file(
                "override.toml",
                "[database]\nurl = \"from-file.db\"\n[sync]\nsource = \"bamboohr\"\n",
            )?;
            jail.set_env("CONTACTS__SYNC__SOURCE", "entra_id");
            let settings =
                load(jail.directory(), Some(Path::new("override.toml"))).map_err(jail_error)?;
            assert_eq!(
                settings.server.bind, "0.0.0.0:9000",
                "default.toml over built-ins"
            );
            assert_eq!(
                settings.database.url, "from-file.db",
                "--config over default.toml"
            );
            assert_eq!(
                settings.sync.source, "entra_id",
                "environment over everything"
            );
            Ok(())
        });
    }

    #[test]
    fn the_shipped_default_toml_matches_the_built_in_defaults() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/default.toml");
        let text = std::fs::read_to_string(shipped).expect("config/default.toml exists");
        let parsed: Settings = toml_settings(&text);
        assert_eq!(parsed, Settings::default());
    }

    fn toml_settings(text: &str) -> Settings {
        Figment::from(Toml::string(text))
            .extract()
            .expect("default.toml names every key")
    }

    #[test]
    fn bad_layers_are_refused() {
        Jail::expect_with(|jail| {
            assert!(matches!(
                load(jail.directory(), Some(Path::new("missing.toml"))),
                Err(ConfigError::MissingFile(_))
            ));
            jail.create_file("typo.toml", "[server]\nbnid = \"x\"\n")?;
            assert!(matches!(
                load(jail.directory(), Some(Path::new("typo.toml"))),
                Err(ConfigError::Invalid(_))
            ));
            jail.set_env("CONTACTS__SYNC__SOURCE", " ");
            assert!(matches!(
                load(jail.directory(), None),
                Err(ConfigError::Rule(_))
            ));
            Ok(())
        });
    }
}
