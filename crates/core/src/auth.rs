//! API keys: `cgw_` + 43 base64url characters (32 random bytes), of which only the SHA-256 is kept.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{CoreError, ForbiddenReason};
use crate::time::Timestamp;

const PREFIX: &str = "cgw_";
const ENCODED_LEN: usize = 43;

/// A freshly minted key. Its plaintext exists only until it is printed.
#[derive(Clone)]
pub struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl ApiKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        ApiKey(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_key(&self.0)
    }
}

/// Whether a presented token has the shape of one of our keys (checked before any look-up).
pub fn is_well_formed(token: &str) -> bool {
    token.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == ENCODED_LEN
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Lowercase hex SHA-256 of the key text.
pub fn hash_key(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub name: String,
    pub read_only: bool,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// The key's own rate limit; `None` means the configured default.
    pub rate_limit: Option<RateLimit>,
}

/// A sustained rate and the burst allowed above it, in requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

/// Who is calling: the key that authenticated the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub key_name: String,
    pub read_only: bool,
    /// The key's own rate limit, if it has one.
    pub rate_limit: Option<RateLimit>,
}

impl Caller {
    pub fn require_write(&self) -> Result<(), CoreError> {
        if self.read_only {
            Err(CoreError::Forbidden(ForbiddenReason::ReadOnlyKey))
        } else {
            Ok(())
        }
    }
}

/// A random (version 4) UUID in its usual text form.
pub fn random_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_distinct() {
        let first = ApiKey::generate();
        let second = ApiKey::generate();
        assert!(is_well_formed(first.expose()));
        assert_eq!(first.expose().len(), 4 + 43);
        assert_ne!(first.expose(), second.expose());
        assert_eq!(first.hash().len(), 64);
        assert!(!format!("{first:?}").contains(first.expose()));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "cgw_",
            "cgw_short",
            "xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "cgw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
        assert_eq!(
            hash_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
