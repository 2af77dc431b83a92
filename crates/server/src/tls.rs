//! HTTPS served by the gateway itself, through rustls (ring as the crypto provider), for
//! operators with no TLS-terminating proxy in front. Keys travel in every request: plain HTTP
//! is for loopback, or behind such a proxy, only.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::CommandError;

/// A server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config(cert_path: &Path, key_path: &Path) -> Result<ServerConfig, CommandError> {
    let problem = |what: &str, path: &Path, err: &dyn std::fmt::Display| {
        CommandError::Tls(format!("{what} {}: {err}", path.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .map_err(|err| problem("cannot read the certificate", cert_path, &err))?
        .collect::<Result<_, _>>()
        .map_err(|err| problem("cannot read the certificate", cert_path, &err))?;
    if certs.is_empty() {
        return Err(problem(
            "no certificate in",
            cert_path,
            &"expected a PEM CERTIFICATE block",
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|err| problem("cannot read the private key", key_path, &err))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| CommandError::Tls(err.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|err| {
            CommandError::Tls(format!(
                "the certificate {} and the key {} do not make a TLS identity: {err}",
                cert_path.display(),
                key_path.display()
            ))
        })
}
