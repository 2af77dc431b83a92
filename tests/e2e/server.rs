//! Starts the real binary on a free loopback port in a temporary folder, and talks HTTP to it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

pub const BINARY: &str = env!("CARGO_BIN_EXE_contacts-gateway");

pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// Runs a one-shot command (`keys …`, `import …`) in `dir` and answers (status, stdout, stderr).
pub fn run_command(
    dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> (ExitStatus, String, String) {
    let output = Command::new(BINARY)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .output()
        .expect("the binary runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `CONTACTS_TEST_BACKEND=postgres` runs the servers of `Server::start` over a throw-away
/// PostgreSQL cluster each (CI runs the cross-dialect and README tests so); the default is a
/// SQLite file in the server's folder.
pub fn on_postgres() -> bool {
    std::env::var("CONTACTS_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

pub struct Server {
    child: Child,
    /// The cluster behind this server, when it runs on PostgreSQL; stopped after the server.
    _cluster: Option<crate::pg_cluster::Cluster>,
    pub base: String,
    /// The folder the server runs in; owned when the server made it.
    dir: Option<TempDir>,
    path: PathBuf,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<String>>,
}

pub struct Reply {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: Value,
}

impl Server {
    /// Starts the binary in a fresh folder with these extra environment variables (over a
    /// cluster of its own when the suite runs on PostgreSQL and `env` names no database).
    pub fn start(env: &[(&str, &str)]) -> Server {
        let names_a_database = env
            .iter()
            .any(|(name, _)| *name == "CONTACTS__DATABASE__URL");
        if on_postgres() && !names_a_database {
            let cluster = crate::pg_cluster::Cluster::start().expect("PostgreSQL is installed");
            let url = cluster.url();
            let mut with_url = env.to_vec();
            with_url.push(("CONTACTS__DATABASE__URL", url.as_str()));
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().to_path_buf();
            let mut server = Self::launch(Some(dir), path, &with_url);
            server._cluster = Some(cluster);
            return server;
        }
        Self::start_in(tempfile::tempdir().expect("temp dir"), env)
    }

    pub fn start_in(dir: TempDir, env: &[(&str, &str)]) -> Server {
        let path = dir.path().to_path_buf();
        Self::launch(Some(dir), path, env)
    }

    /// Starts the binary in a folder another server used (its database and all).
    pub fn start_in_existing(path: &Path, env: &[(&str, &str)]) -> Server {
        Self::launch(None, path.to_path_buf(), env)
    }

    fn launch(dir: Option<TempDir>, path: PathBuf, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut child = Command::new(BINARY)
            .current_dir(&path)
            .env("CONTACTS__SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("CONTACTS__SERVER__WORKERS", "2")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(out) = child.stdout.take() {
            let lines = Arc::clone(&stdout);
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    lines.lock().expect("lock").push(line);
                }
            });
        }
        if let Some(err) = child.stderr.take() {
            let text = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let mut text = text.lock().expect("lock");
                    text.push_str(&line);
                    text.push('\n');
                }
            });
        }
        let server = Server {
            child,
            _cluster: None,
            base: format!("http://127.0.0.1:{port}"),
            dir,
            path,
            stdout,
            stderr,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(response) = ureq::get(&format!("{}/healthz", self.base)).call() {
                if response.status() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not start: {}",
            self.stderr.lock().expect("lock")
        );
    }

    pub fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// The key printed on first start, if one was.
    pub fn bootstrap_key(&self) -> Option<String> {
        self.stdout
            .lock()
            .expect("lock")
            .iter()
            .find(|line| line.starts_with("cgw_"))
            .cloned()
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = ureq::request(method, &format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.set("Authorization", &format!("Bearer {key}"));
        }
        let result = match body {
            Some(body) => request.send_json(body.clone()),
            None => request.call(),
        };
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(err) => panic!("{method} {path}: {err}"),
        };
        let status = response.status();
        let request_id = response.header("x-request-id").map(str::to_owned);
        let text = response.into_string().unwrap_or_default();
        Reply {
            status,
            request_id,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// Stops the process and hands back its folder, so another server can use the database.
    pub fn stop(mut self) -> Option<TempDir> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dir.take()
    }

    /// Sends SIGTERM without waiting.
    pub fn send_sigterm(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(self) -> (ExitStatus, String) {
        self.send_sigterm();
        self.wait_for_exit()
    }

    /// Waits (up to 30 s) for the process to exit; answers its status and everything it logged.
    pub fn wait_for_exit(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                std::thread::sleep(Duration::from_millis(100));
                let log = self.stderr.lock().expect("lock").clone();
                return (status, log);
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
