//! The harness: the real application over a fresh SQLite file, driven in-process.

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use contacts_core::Directory;
use contacts_gateway::app::{build, AppState};
use contacts_gateway::config::Settings;
use contacts_store::Store;
use serde_json::Value;
use tempfile::TempDir;

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }
}

pub struct TestApp<S> {
    pub service: S,
    pub store: Store,
    pub key: String,
    pub settings: Settings,
    _dir: TempDir,
    /// The PostgreSQL cluster behind `store`, when the suite runs on PostgreSQL.
    _cluster: Option<crate::pg_cluster::Cluster>,
}

/// `CONTACTS_TEST_BACKEND=postgres` runs the suite on a throw-away PostgreSQL cluster per
/// test; anything else (the default) on a fresh SQLite file per test.
pub fn on_postgres() -> bool {
    std::env::var("CONTACTS_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

pub fn settings_in(dir: &TempDir) -> Settings {
    let mut settings = Settings::default();
    settings.database.url = dir.path().join("contacts.db").display().to_string();
    settings
}

/// The app over a fresh database with one read-write key, with `adjust` applied to the settings.
pub async fn start_with(
    adjust: impl FnOnce(&mut Settings),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = settings_in(&dir);
    let cluster = if on_postgres() {
        let cluster = crate::pg_cluster::Cluster::start().expect("PostgreSQL is installed");
        settings.database.url = cluster.url();
        Some(cluster)
    } else {
        None
    };
    adjust(&mut settings);
    let store = contacts_gateway::open_store(&settings).expect("store opens");
    let (key, _) =
        contacts_gateway::keys::create(store.as_directory(), "tests", false).expect("key");
    let state = AppState::new(
        contacts_gateway::gateway(&store, &settings),
        settings.clone(),
        actix_web::web::Data::new(contacts_gateway::metrics::Metrics::new().expect("metrics")),
    );
    let service = test::init_service(build(state)).await;
    TestApp {
        service,
        store,
        key: key.expose().to_owned(),
        settings,
        _dir: dir,
        _cluster: cluster,
    }
}

pub async fn start() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    start_with(|_| {}).await
}

impl<S, B> TestApp<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Sends the request exactly as given (no key added).
    pub async fn send(&self, request: TestRequest) -> Reply {
        let response = test::call_service(&self.service, request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = test::read_body(response).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    /// Sends the request with this app's key.
    pub async fn call(&self, request: TestRequest) -> Reply {
        self.send(request.insert_header(("Authorization", format!("Bearer {}", self.key))))
            .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(TestRequest::get().uri(path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(TestRequest::delete().uri(path)).await
    }

    pub async fn put(&self, path: &str) -> Reply {
        self.call(TestRequest::put().uri(path)).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Reply {
        self.call(TestRequest::post().uri(path).set_json(body))
            .await
    }

    pub async fn patch_json(&self, path: &str, body: Value) -> Reply {
        self.call(TestRequest::patch().uri(path).set_json(body))
            .await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Reply {
        self.call(
            TestRequest::post()
                .uri(path)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(form.to_owned()),
        )
        .await
    }

    pub async fn patch_form(&self, path: &str, form: &str) -> Reply {
        self.call(
            TestRequest::patch()
                .uri(path)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(form.to_owned()),
        )
        .await
    }

    pub async fn put_json(&self, path: &str, body: Value) -> Reply {
        self.call(TestRequest::put().uri(path).set_json(body)).await
    }

    /// A request with this method, content type and body, exactly as given.
    pub async fn send_body(
        &self,
        method: actix_web::http::Method,
        path: &str,
        content_type: &str,
        body: impl Into<actix_web::web::Bytes>,
    ) -> Reply {
        self.call(
            TestRequest::default()
                .method(method)
                .uri(path)
                .insert_header(("Content-Type", content_type.to_owned()))
                .set_payload(body.into()),
        )
        .await
    }

    /// A key with these flags, for tests about keys.
    pub fn extra_key(&self, name: &str, read_only: bool) -> String {
        let (key, _) = contacts_gateway::keys::create(self.store.as_directory(), name, read_only)
            .expect("key");
        key.expose().to_owned()
    }

    pub fn directory(&self) -> &dyn Directory {
        self.store.as_directory()
    }
}
