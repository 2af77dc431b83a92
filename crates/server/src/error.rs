//! The command layer's error: what stops `serve`, `migrate`, `keys` or `import`.

use thiserror::Error;

use crate::config::ConfigError;

#[derive(Debug, Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] contacts_store::StoreError),
    #[error("{0}")]
    Core(#[from] contacts_core::CoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("cannot listen on {address}: {source}. Choose another address with CONTACTS__SERVER__BIND=127.0.0.1:PORT (or [server] bind in the config file)")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}
