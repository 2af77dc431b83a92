//! Generated passwords: random, returned once for the welcome email, stored only as an Argon2id
//! hash. Hashing takes about 19 MiB and tens of milliseconds of one core, so at most one hash
//! per core runs at a time: a burst of creates queues here instead of multiplying the memory.

use std::sync::{Condvar, Mutex, OnceLock};

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use contacts_core::CoreError;
use rand::distributions::{Alphanumeric, DistString};

/// A counting semaphore over the blocking threads that hash.
struct Permits {
    free: Mutex<usize>,
    released: Condvar,
}

impl Permits {
    fn acquire(&self) -> PermitGuard<'_> {
        let mut free = self
            .free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while *free == 0 {
            free = self
                .released
                .wait(free)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *free -= 1;
        PermitGuard { permits: self }
    }
}

struct PermitGuard<'a> {
    permits: &'a Permits,
}

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        let mut free = self
            .permits
            .free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *free += 1;
        self.permits.released.notify_one();
    }
}

fn permits() -> &'static Permits {
    static PERMITS: OnceLock<Permits> = OnceLock::new();
    PERMITS.get_or_init(|| Permits {
        free: Mutex::new(std::thread::available_parallelism().map_or(1, usize::from)),
        released: Condvar::new(),
    })
}

/// A random password of `length` letters and digits, and its Argon2id hash.
pub fn new_password(length: usize) -> Result<(String, String), CoreError> {
    let password = Alphanumeric.sample_string(&mut rand::thread_rng(), length);
    let salt = SaltString::generate(&mut OsRng);
    let _permit = permits().acquire();
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(CoreError::internal)?
        .to_string();
    Ok((password, hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHash, PasswordVerifier};

    #[test]
    fn the_hash_verifies_the_password_and_hides_it() {
        let (password, hash) = new_password(9).expect("hashes");
        assert_eq!(password.len(), 9);
        assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(!hash.contains(&password));
        let parsed = PasswordHash::new(&hash).expect("a PHC string");
        assert!(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"wrong", &parsed)
            .is_err());
    }
}
