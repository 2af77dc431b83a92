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

/// `CONTACTS_TEST_BACKEND=postgres` runs every `Site` over a throw-away PostgreSQL cluster of
/// its own (CI runs the whole suite so, once per backend); the default is a SQLite file in the
/// site's folder.
pub fn on_postgres() -> bool {
    std::env::var("CONTACTS_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// A folder for the gateway to run in, and its database: a SQLite file inside the folder, or
/// a cluster of its own named by the folder's `config/default.toml`, so the server and every
/// command run in the folder (`keys`, `import`, `backup`) find the same database.
pub struct Site {
    dir: TempDir,
    cluster: Option<crate::pg_cluster::Cluster>,
}

impl Site {
    /// On the suite's backend.
    pub fn new() -> Site {
        if on_postgres() {
            Site::postgres().expect("PostgreSQL is installed")
        } else {
            Site::sqlite()
        }
    }

    /// On SQLite whatever the suite's backend (what only SQLite has: its file, `backup`).
    pub fn sqlite() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
            cluster: None,
        }
    }

    /// On a cluster of its own whatever the suite's backend; `None` (said on stderr) where
    /// PostgreSQL is not installed.
    pub fn postgres() -> Option<Site> {
        let cluster = crate::pg_cluster::Cluster::start()?;
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
        std::fs::write(
            dir.path().join("config/default.toml"),
            format!("[database]\nurl = \"{}\"\n", cluster.url()),
        )
        .expect("config file");
        Some(Site {
            dir,
            cluster: Some(cluster),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The PostgreSQL URL, when the site runs on PostgreSQL.
    pub fn postgres_url(&self) -> Option<String> {
        self.cluster.as_ref().map(crate::pg_cluster::Cluster::url)
    }

    pub fn is_sqlite(&self) -> bool {
        self.cluster.is_none()
    }
}

pub struct Server {
    child: Child,
    /// The folder and database, when the server made them; dropped after the server.
    site: Option<Site>,
    pub base: String,
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
    /// Starts the binary on a fresh site of the suite's backend, with these extra environment
    /// variables (in a bare folder when they name a database of their own).
    pub fn start(env: &[(&str, &str)]) -> Server {
        let names_a_database = env
            .iter()
            .any(|(name, _)| *name == "CONTACTS__DATABASE__URL");
        let site = if names_a_database {
            Site::sqlite()
        } else {
            Site::new()
        };
        Self::start_in(site, env)
    }

    pub fn start_in(site: Site, env: &[(&str, &str)]) -> Server {
        let path = site.path().to_path_buf();
        Self::launch(Some(site), path, env)
    }

    /// Starts the binary in a folder another server used (its database and all).
    pub fn start_in_existing(path: &Path, env: &[(&str, &str)]) -> Server {
        Self::launch(None, path.to_path_buf(), env)
    }

    fn launch(site: Option<Site>, path: PathBuf, env: &[(&str, &str)]) -> Server {
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
            site,
            base: format!("http://127.0.0.1:{port}"),
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

    /// The site the server made, if it made one.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// Stops the process and hands back its site, so another server can use the database.
    pub fn stop(mut self) -> Option<Site> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.site.take()
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
