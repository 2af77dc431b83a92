//! Generated passwords: random, returned once for the welcome email, stored only as an Argon2id
//! hash. A hash takes about 19 MiB and tens of milliseconds of one core, so hashing runs on a
//! few dedicated threads (one per core), each reusing one 19 MiB work area: a burst of creates
//! queues for them, and the memory stays two work areas however many creates arrive. (Letting
//! the crate allocate per hash left glibc's arenas holding 300+ MiB after a burst.)

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Argon2, Block, Params};
use contacts_core::CoreError;
use rand::distributions::{Alphanumeric, DistString};

type Job = (String, Sender<Result<String, String>>);

/// The PHC string of `password` under Argon2id's default parameters, computed in `work_area`.
fn hash_in(password: &str, work_area: &mut [Block]) -> Result<String, String> {
    let argon2 = Argon2::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|err| err.to_string())?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *work_area)
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .map_err(|err| err.to_string())?;
    let hash = PasswordHash {
        algorithm: argon2::Algorithm::default().ident(),
        version: Some(argon2::Version::default().into()),
        params: ParamsString::try_from(argon2.params()).map_err(|err| err.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
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
                .spawn(move || {
                    let mut work_area = vec![Block::default(); Params::default().block_count()];
                    loop {
                        let job = queue
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .recv();
                        let Ok((password, reply)) = job else { return };
                        let _ = reply.send(hash_in(&password, &mut work_area));
                    }
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
