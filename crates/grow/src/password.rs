//! Generated passwords: random, returned once for the welcome email, stored only as an Argon2id
//! hash. A hash takes about 19 MiB and tens of milliseconds of one core, so hashing runs on a
//! few dedicated threads (one per core): a burst of creates queues for them, and the memory the
//! allocator keeps per thread stays bounded by that count instead of growing with the blocking
//! pool.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use contacts_core::CoreError;
use rand::distributions::{Alphanumeric, DistString};

type Job = (String, Sender<Result<String, String>>);

fn hash_now(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| err.to_string())
}

/// The queue of the hashing threads, started on first use.
fn hashers() -> &'static Mutex<Sender<Job>> {
    static QUEUE: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (jobs, queue) = channel::<Job>();
        let queue: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(queue));
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        for index in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{index}"))
                .spawn(move || loop {
                    let job = queue
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .recv();
                    let Ok((password, reply)) = job else { return };
                    let _ = reply.send(hash_now(&password));
                });
            if let Err(err) = spawned {
                log::error!("cannot start a hashing thread: {err}");
            }
        }
        Mutex::new(jobs)
    })
}

/// A random password of `length` letters and digits, and its Argon2id hash. Blocks the calling
/// (blocking-pool) thread until a hashing thread is free and done.
pub fn new_password(length: usize) -> Result<(String, String), CoreError> {
    let password = Alphanumeric.sample_string(&mut rand::thread_rng(), length);
    let (reply, answer) = channel();
    hashers()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((password.clone(), reply))
        .map_err(|_| CoreError::internal("the hashing threads are gone"))?;
    let hash = answer
        .recv()
        .map_err(|_| CoreError::internal("a hashing thread stopped"))?
        .map_err(CoreError::Internal)?;
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
