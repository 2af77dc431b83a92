//! The read scenarios' in-process ceilings: each dialect's own handlers over the same store,
//! called through actix's service on every core, without a socket, HTTP or the server's
//! middleware. What is left is the scenario's store work and the serialisation of its answer.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::{test, web, App};
use contacts_core::Gateway;
use contacts_gateway::config::Settings;
use contacts_http::{BodyLimit, BodyTimeout};
use serde::{Deserialize, Serialize};

/// One read scenario as the harness runs it: its paths in turn, each a GET, or a POST of
/// `body` as JSON when it has one (Pylon's search).
#[derive(Debug, Clone, Deserialize)]
pub struct ReadScenario {
    pub name: String,
    pub paths: Vec<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// How fast the handlers answered one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    pub scenario: String,
    pub requests_per_second: f64,
    pub requests: u64,
    /// Answers other than 200: a ceiling counted over errors would measure nothing.
    pub errors: u64,
    /// The largest answer's body: what the gateway would send, without its headers.
    pub body_bytes: usize,
}

/// The dialects mounted as `serve` mounts them, with what their handlers read from the app
/// (the gateway, the body limits) and nothing else.
pub fn dialects(
    gateway: Gateway,
    settings: &Settings,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let dialects = &settings.dialects;
    // Longer prefixes first, as the server orders them: Pylon's is the root.
    App::new()
        .app_data(web::Data::new(gateway))
        .app_data(BodyLimit(settings.server.max_body_bytes))
        .app_data(BodyTimeout(Duration::from_secs(
            settings.server.body_timeout_secs,
        )))
        .service(web::scope(&dialects.grow.prefix).configure(dialect_grow::configure))
        .service(
            web::scope(&format!("{}/v1", dialects.workshop.prefix))
                .configure(dialect_workshop::configure),
        )
        .service(web::scope(&dialects.pylon.prefix).configure(dialect_pylon::configure))
}

/// Answers a scenario's requests for `duration` on `threads` threads with `in_flight` requests
/// each under way at a time, as wrk's connections keep the server's workers busy.
pub fn measure(
    gateway: &Gateway,
    settings: &Settings,
    scenario: &ReadScenario,
    threads: usize,
    in_flight: usize,
    duration: Duration,
) -> std::io::Result<Ceiling> {
    if scenario.paths.is_empty() {
        return Err(std::io::Error::other(format!(
            "scenario {} has no paths",
            scenario.name
        )));
    }
    let started = Instant::now();
    let deadline = started + duration;
    let counts = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|thread| {
                let gateway = gateway.clone();
                scope.spawn(move || {
                    actix_web::rt::System::new().block_on(answer_until(
                        gateway,
                        settings,
                        scenario,
                        thread * in_flight,
                        in_flight.max(1),
                        deadline,
                    ))
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    let seconds = started.elapsed().as_secs_f64();
    let requests = counts.iter().map(|count| count.requests).sum::<u64>();
    Ok(Ceiling {
        scenario: scenario.name.clone(),
        requests_per_second: requests as f64 / seconds,
        requests,
        errors: counts.iter().map(|count| count.errors).sum(),
        body_bytes: counts
            .iter()
            .map(|count| count.body_bytes)
            .max()
            .unwrap_or(0),
    })
}

#[derive(Debug, Default)]
struct Counts {
    requests: u64,
    errors: u64,
    body_bytes: usize,
}

/// One thread's share: `in_flight` loops, each answering requests picked at random from the
/// scenario's, until the deadline.
async fn answer_until(
    gateway: Gateway,
    settings: &Settings,
    scenario: &ReadScenario,
    first: usize,
    in_flight: usize,
    deadline: Instant,
) -> Counts {
    let app = actix_web::test::init_service(dialects(gateway, settings)).await;
    let app = &app;
    let loops = (0..in_flight).map(|lane| async move {
        let mut counts = Counts::default();
        let mut picks = Picks::seeded(first + lane);
        while Instant::now() < deadline {
            let path = &scenario.paths[picks.below(scenario.paths.len())];
            counts.requests += 1;
            match answer(app, path, scenario.body.as_deref()).await {
                Some(body) => counts.body_bytes = counts.body_bytes.max(body.len()),
                None => counts.errors += 1,
            }
        }
        counts
    });
    futures_util::future::join_all(loops)
        .await
        .into_iter()
        .fold(Counts::default(), |total, lane| Counts {
            requests: total.requests + lane.requests,
            errors: total.errors + lane.errors,
            body_bytes: total.body_bytes.max(lane.body_bytes),
        })
}

/// Paths picked at random, as wrk's script picks them (`math.random`), so that the store's
/// memories see the spread of requests the gateway sees. Loops taking the paths in turn
/// brought a loop to the pages the loop ahead of it had just read, which the page memory then
/// answered: the walk's ceiling read twice what its random cursors cost. An xorshift
/// generator: a measurement's spread, not a secret.
struct Picks(u64);

impl Picks {
    fn seeded(lane: usize) -> Picks {
        // Odd constants spread nearby lanes apart; never zero, which xorshift cannot leave.
        Picks((lane as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number below `bound` (which is not 0).
    fn below(&mut self, bound: usize) -> usize {
        let Picks(state) = self;
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state % bound as u64) as usize
    }
}

/// One answer's body, or nothing when it was not a 200 with a whole body.
async fn answer<S, B>(app: &S, path: &str, body: Option<&str>) -> Option<web::Bytes>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = match body {
        Some(body) => test::TestRequest::post()
            .uri(path)
            .insert_header(ContentType::json())
            .set_payload(body.to_owned()),
        None => test::TestRequest::get().uri(path),
    };
    let response = app.call(request.to_request()).await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    actix_web::body::to_bytes(response.into_body()).await.ok()
}

#[cfg(test)]
mod tests {
    use super::{answer, dialects, measure, Duration, ReadScenario};
    use contacts_gateway::config::Settings;

    /// A fresh SQLite directory with `contacts` seeded contacts, and the settings that open it.
    fn seeded(dir: &tempfile::TempDir, contacts: u64) -> (contacts_store::Store, Settings) {
        let mut settings = Settings::default();
        settings.database.url = dir.path().join("contacts.db").display().to_string();
        let store = contacts_gateway::open_store(&settings).expect("the store opens");
        let batch = (0..contacts)
            .map(|n| (crate::seeded_contact(n), None))
            .collect();
        store
            .bulk_insert_contacts(batch)
            .expect("the contacts go in");
        (store, settings)
    }

    #[actix_web::test]
    async fn the_answers_are_the_dialects_own() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (store, settings) = seeded(&dir, 3);
        let app = actix_web::test::init_service(dialects(
            contacts_gateway::gateway(&store, &settings),
            &settings,
        ))
        .await;

        let grow = answer(&app, "/api/contacts?limit=2&page=2", None)
            .await
            .expect("Grow's list answers");
        let grow: serde_json::Value = serde_json::from_slice(&grow).expect("JSON");
        assert_eq!(grow["message"], "Contacts retrieved successfully.");
        assert_eq!(grow["meta"]["total"], 3);
        assert_eq!(grow["data"].as_array().map(Vec::len), Some(1));

        let search =
            r#"{"filter":{"field":"email","operator":"equals","value":"user1@example1.com"}}"#;
        let pylon = answer(&app, "/contacts/search", Some(search))
            .await
            .expect("Pylon's search answers");
        let pylon: serde_json::Value = serde_json::from_slice(&pylon).expect("JSON");
        assert_eq!(pylon["data"][0]["email"], "user1@example1.com");
        assert_eq!(pylon["data"].as_array().map(Vec::len), Some(1));

        let workshop = answer(&app, "/v1/contacts?limit=1", None)
            .await
            .expect("Workshop's list answers");
        let workshop: serde_json::Value = serde_json::from_slice(&workshop).expect("JSON");
        assert_eq!(workshop["has_more"], true);

        // Not a 200: no body to count.
        assert!(answer(&app, "/api/contacts/999", None).await.is_none());
    }

    #[test]
    fn picks_spread_over_every_path_and_differ_between_loops() {
        let mut first = super::Picks::seeded(0);
        let mut second = super::Picks::seeded(1);
        let mut seen = [0_u32; 10];
        let (mut from_first, mut from_second) = (Vec::new(), Vec::new());
        for _ in 0..10_000 {
            let pick = first.below(10);
            seen[pick] += 1;
            from_first.push(pick);
            from_second.push(second.below(10));
        }
        assert!(
            seen.iter().all(|count| (800..1200).contains(count)),
            "{seen:?}"
        );
        assert_ne!(from_first[..20], from_second[..20]);
    }

    #[test]
    fn a_ceiling_counts_answers_and_refusals_apart() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (store, settings) = seeded(&dir, 30);
        let gateway = contacts_gateway::gateway(&store, &settings);
        let run = |paths: &[&str]| {
            let scenario = ReadScenario {
                name: "list".into(),
                paths: paths.iter().map(|path| path.to_string()).collect(),
                body: None,
            };
            measure(
                &gateway,
                &settings,
                &scenario,
                2,
                2,
                Duration::from_millis(200),
            )
            .expect("measured")
        };

        let served = run(&["/api/contacts?limit=25&page=1", "/api/contacts/1"]);
        assert!(served.requests > 0);
        assert_eq!(served.errors, 0);
        assert!(
            served.body_bytes > 25 * 200,
            "a page of 25: {}",
            served.body_bytes
        );

        let refused = run(&["/api/contacts/999"]);
        assert!(refused.requests > 0);
        assert_eq!(refused.errors, refused.requests);
        assert_eq!(refused.body_bytes, 0);
    }
}
