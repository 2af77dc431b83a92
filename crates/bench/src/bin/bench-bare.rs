//! The limit for HTTP: a bare actix-web server that answers every GET with one fixed contact
//! and every POST with 201 and the same body, with no store, no auth, no routing.

use actix_web::{web, App, HttpResponse, HttpServer};
use clap::Parser;

/// The gateway's allocator, so that the limit is measured with it too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8099")]
    bind: String,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let body = web::Bytes::from(contacts_bench::fixed_contact_json());
    HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::to(move |req: actix_web::HttpRequest| {
            let body = body.clone();
            async move {
                let mut response = if req.method() == actix_web::http::Method::POST {
                    HttpResponse::Created()
                } else {
                    HttpResponse::Ok()
                };
                response.content_type("application/json").body(body)
            }
        }))
    })
    .bind(&args.bind)?
    .run()
    .await
}
