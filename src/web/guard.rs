//! What stands between the network and the pages: a time limit per
//! request, a limit on requests in flight, security headers on every
//! reply, and on a loopback bind a check of the `Host` header.
//!
//! The Host check is what stops DNS rebinding: a web page on another site
//! can point its own host name at 127.0.0.1 and then read a loopback server
//! as if it were its own origin, but its requests still carry its host
//! name. A server bound to loopback therefore answers only requests
//! addressed to a loopback name (and the names set in `allowed_hosts`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// The Content-Security-Policy of every reply. Pages are built from the
/// server's own data and stylesheet; the one script that runs is the SQL
/// console's keyboard shortcut, allowed by its hash, so no other script
/// (an injected one included) can. Inline `style` attributes (chart
/// widths) are the only other inline content.
fn csp() -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(super::console::SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'sha256-{hash}'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The server's guards, from settings.
#[derive(Debug, Clone)]
pub struct Guard {
    /// A request still running after this is answered 503.
    pub request_timeout: Duration,
    /// Requests handled at once (and pages made at once); more wait.
    pub max_concurrent: usize,
    /// Host names answered, when the check is on (loopback binds): `None`
    /// answers any host.
    pub allowed_hosts: Option<Vec<String>>,
}

impl Default for Guard {
    fn default() -> Guard {
        Guard { request_timeout: Duration::from_secs(10), max_concurrent: 64, allowed_hosts: None }
    }
}

impl Guard {
    /// The guard for a server bound to `addr`: on loopback, the Host check
    /// admits loopback names and `extra` hosts; elsewhere, any host (the
    /// operator chose to publish, and a proxy may rename).
    pub fn for_bind(addr: SocketAddr, request_timeout: Duration, max_concurrent: usize, extra: &[String]) -> Guard {
        let allowed_hosts = addr.ip().is_loopback().then(|| {
            let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
            hosts.extend(extra.iter().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()));
            hosts
        });
        Guard { request_timeout, max_concurrent, allowed_hosts }
    }

    /// `routes` behind the guards.
    pub fn apply(&self, routes: Router) -> Router {
        let mut router = routes
            .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, self.request_timeout))
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(self.max_concurrent.max(1)))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&csp()).expect("the policy is ASCII"),
            ))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ));
        if let Some(hosts) = &self.allowed_hosts {
            let hosts = Arc::new(hosts.clone());
            router = router.layer(middleware::from_fn(move |req: Request, next: Next| {
                let hosts = hosts.clone();
                async move { check_host(&hosts, req, next).await }
            }));
        }
        router
    }
}

async fn check_host(hosts: &[String], req: Request, next: Next) -> Response {
    // HTTP/1.1 requires Host and every browser sends it; a request
    // without one (HTTP/1.0 tools) cannot come from a rebinding page.
    let Some(host) = req.headers().get(header::HOST) else { return next.run(req).await };
    let name = host.to_str().ok().map(host_name);
    if name.is_some_and(|n| hosts.contains(&n)) {
        return next.run(req).await;
    }
    tracing::warn!("refused a request for host {host:?}: not an allowed host name");
    (StatusCode::MISDIRECTED_REQUEST, "这个服务器只回应发给本机地址的请求（Host 不在允许之列）。\n").into_response()
}

/// The name in a Host header, without its port and brackets, lower case:
/// `LocalHost:8080` → `localhost`, `[::1]:80` → `::1`.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if host.parse::<IpAddr>().is_ok() {
        host
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("LocalHost:8080"), "localhost");
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(host_name("127.0.0.1:9"), "127.0.0.1");
        assert_eq!(host_name("::1"), "::1");
        assert_eq!(host_name("evil.example."), "evil.example");
    }
}
