//! Routing in a dialect's shape: resources that answer unknown methods with 405 and `Allow`,
//! and a scope default that answers unknown paths with the dialect's 404.

use std::marker::PhantomData;

use actix_web::http::header::ALLOW;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder};

use crate::context::RequestId;
use crate::error::{ApiError, Dialect};

/// A resource being built: its path, the methods it answers, and the dialect that shapes errors.
pub struct DialectResource<D> {
    resource: Resource,
    methods: Vec<Method>,
    dialect: PhantomData<D>,
}

pub fn resource<D: Dialect>(path: &str) -> DialectResource<D> {
    DialectResource {
        resource: web::resource(path),
        methods: Vec::new(),
        dialect: PhantomData,
    }
}

impl<D: Dialect> DialectResource<D> {
    /// Answers `method` with `handler`; a GET also answers HEAD.
    pub fn on<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.methods.push(method.clone());
        if method == Method::GET {
            self.methods.push(Method::HEAD);
            self.resource = self.resource.route(web::head().to(handler.clone()));
        }
        self.resource = self.resource.route(web::method(method).to(handler));
        self
    }

    /// The finished resource: any other method gets the dialect's 405 with `Allow`.
    pub fn finish(self) -> Resource {
        // In the order the routes were declared, as Laravel lists them.
        let mut allowed: Vec<String> = Vec::new();
        for method in &self.methods {
            if !allowed.iter().any(|seen| seen == method.as_str()) {
                allowed.push(method.as_str().to_owned());
            }
        }
        self.resource
            .default_service(web::to(move |req: HttpRequest| {
                let allowed = allowed.clone();
                async move {
                    let error = ApiError::MethodNotAllowed {
                        method: req.method().as_str().to_owned(),
                        path: req.path().to_owned(),
                        allowed: allowed.clone(),
                    };
                    let mut response = D::respond(&error, &RequestId::of(&req));
                    if let Ok(value) = allowed.join(", ").parse() {
                        response.headers_mut().insert(ALLOW, value);
                    }
                    response
                }
            }))
    }
}

/// The default service of a dialect's scope: its 404 for a path it does not have.
pub async fn route_not_found<D: Dialect>(req: HttpRequest) -> HttpResponse {
    let error = ApiError::RouteNotFound {
        method: req.method().as_str().to_owned(),
        path: req.path().to_owned(),
    };
    D::respond(&error, &RequestId::of(&req))
}
