//! The fault matrix: every way a network or a server can misbehave, against the signed client and the
//! verdict. Each case must end within the configured timeout, with a clear diagnosis, after a bounded
//! number of requests (counted on the server side), and never panic.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xkeys::account::Need;
use xkeys::api_error::ProblemKind;
use xkeys::client::{ClientConfig, XClient};
use xkeys::credentials::{AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, Credentials};
use xkeys::verify::verify;

/// How the fake server misbehaves.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Headers promise 100 bytes, 10 arrive, then the connection closes.
    ResetMidResponse,
    /// Answers after 3 s (the client's timeout is 300 ms).
    Slow,
    /// A status with X's JSON problem body.
    Status(u16),
    /// 200 with a body that isn't JSON.
    MalformedJson,
    /// An HTML error page, as a proxy or a CDN sends.
    HtmlErrorPage,
    /// 200 with an empty body.
    EmptyBody,
    /// A 401 with a plain-text body.
    WrongContentType,
    /// A redirect to another host.
    Redirect,
}

fn respond(stream: &mut TcpStream, fault: Fault) {
    let http = |status: &str, ctype: &str, extra: &str, body: &str| {
        format!("HTTP/1.1 {status}\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}", body.len())
    };
    let problem = |code: u16, title: &str| {
        format!("{{\"title\":\"{title}\",\"detail\":\"{title}\",\"type\":\"about:blank\",\"status\":{code}}}")
    };
    let json = "application/json; charset=utf-8";
    let reply = match fault {
        Fault::ResetMidResponse => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"data\":{\"");
            return;
        }
        Fault::Slow => {
            std::thread::sleep(Duration::from_secs(3));
            http("200 OK", json, "", "{}")
        }
        Fault::Status(code) => {
            let title = match code {
                429 => "Too Many Requests",
                500 => "Internal Server Error",
                502 => "Bad Gateway",
                503 => "Service Unavailable",
                _ => "Gateway Timeout",
            };
            let extra = if code == 429 {
                "x-rate-limit-limit: 75\r\nx-rate-limit-remaining: 0\r\nx-rate-limit-reset: 4102444800\r\n"
            } else {
                ""
            };
            http(
                &format!("{code} {title}"),
                json,
                extra,
                &problem(code, title),
            )
        }
        Fault::MalformedJson => http("200 OK", json, "", "{\"data\": {\"id\": "),
        Fault::HtmlErrorPage => http(
            "403 Forbidden",
            "text/html",
            "",
            "<html><body><h1>Access denied</h1></body></html>",
        ),
        Fault::EmptyBody => http("200 OK", json, "", ""),
        Fault::WrongContentType => http("401 Unauthorized", "text/plain", "", "Unauthorized"),
        Fault::Redirect => http(
            "301 Moved Permanently",
            "text/html",
            "location: https://developer.x.com/\r\n",
            "moved",
        ),
    };
    let _ = stream.write_all(reply.as_bytes());
}

/// A one-fault HTTP server on 127.0.0.1 that counts the requests it receives.
fn fault_server(fault: Fault) -> (String, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                respond(&mut stream, fault);
            });
        }
    });
    (base, count)
}

fn client(base: &str) -> XClient {
    client_with(base, |config| config)
}

/// A client with the test's timeouts, then `adjust` applied to its config.
fn client_with(base: &str, adjust: impl FnOnce(ClientConfig) -> ClientConfig) -> XClient {
    let credentials = Credentials {
        api_key: ApiKey::new("Qz7mKp2VxR9tLw4NcB8hJd3Fs"),
        api_key_secret: ApiKeySecret::new("mN4bV8cX2zL6kJ9hG3fD7sA1pO5iU0yT4rE8wQ2aZ6xC9vB3nM"),
        access_token: AccessToken::new("1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0"),
        access_token_secret: AccessTokenSecret::new(
            "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7",
        ),
        bearer_token: None,
    };
    let config = ClientConfig::default()
        .base_url(base)
        .timeout(Duration::from_millis(300))
        .connect_timeout(Duration::from_millis(300))
        .backoff(Duration::from_millis(20));
    XClient::new(credentials, adjust(config)).unwrap()
}

/// Runs one fault; returns the diagnosis, the server's request count and the time taken.
async fn run(base: &str) -> (ProblemKind, u32, Duration, String) {
    let started = Instant::now();
    let verdict = verify(&client(base), Need::DirectMessages).await;
    let elapsed = started.elapsed();
    let kind = verdict
        .problems
        .first()
        .map(|p| p.kind)
        .expect("a fault is never a success");
    (kind, verdict.requests, elapsed, verdict.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_in_time_with_a_diagnosis_and_bounded_requests() {
    use ProblemKind::*;
    // (fault, diagnosis, requests the server must see: retries only for idempotent-safe failures;
    // a timeout is retried because each attempt (300 ms) ends well within the 30 s retry budget)
    let matrix: &[(Fault, ProblemKind, u32)] = &[
        (Fault::ResetMidResponse, Connection, 3),
        (Fault::Slow, Timeout, 3),
        (Fault::Status(500), ServerError, 3),
        (Fault::Status(502), ServerError, 3),
        (Fault::Status(503), ServerError, 3),
        (Fault::Status(504), ServerError, 3),
        (Fault::Status(429), RateLimited, 1),
        (Fault::MalformedJson, UnexpectedResponse, 1),
        (Fault::HtmlErrorPage, UnexpectedResponse, 1),
        (Fault::EmptyBody, UnexpectedResponse, 1),
        (Fault::WrongContentType, UnexpectedResponse, 1),
        (Fault::Redirect, Redirect, 1),
    ];
    let mut table = Vec::new();
    for &(fault, want, requests) in matrix {
        let (base, count) = fault_server(fault);
        let (kind, reported, elapsed, report) = run(&base).await;
        assert_eq!(kind, want, "{fault:?}:\n{report}");
        assert_eq!(
            count.load(Ordering::SeqCst),
            requests,
            "{fault:?}: requests seen by the server"
        );
        assert_eq!(
            reported, requests,
            "{fault:?}: requests the verdict reports"
        );
        // Within the timeout per attempt, plus the backoffs (20 + 40 ms), plus slack for a loaded machine.
        assert!(
            elapsed < Duration::from_millis(300) * requests + Duration::from_millis(1500),
            "{fault:?} took {elapsed:?}"
        );
        assert!(
            report.contains(want.fix()),
            "{fault:?}: the report says what to do:\n{report}"
        );
        table.push(format!(
            "{fault:?}: {want:?} after {requests} request(s) in {elapsed:?}"
        ));
    }
    println!("{}", table.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_retried_then_diagnosed() {
    // Bind and drop: nothing listens on that port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (kind, requests, elapsed, report) = run(&format!("http://127.0.0.1:{port}")).await;
    assert_eq!(kind, ProblemKind::Connection, "{report}");
    assert_eq!(requests, 3, "a refused GET is retried twice");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(
        report.contains("could not connect to 127.0.0.1"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_never_retried() {
    let (base, count) = fault_server(Fault::Status(503));
    let response = client(&base)
        .post_json("/2/tweets", &serde_json::json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a POST may have been applied: never retried blindly"
    );
    let (base, count) = fault_server(Fault::ResetMidResponse);
    assert!(client(&base)
        .post_json("/2/tweets", &serde_json::json!({"text": "hi"}))
        .await
        .is_err());
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed() {
    let (base, count) = fault_server(Fault::Redirect);
    let response = client(&base).get("/2/users/me", &[]).await.unwrap();
    assert_eq!(response.status, 301);
    assert_eq!(
        response.location.as_deref(),
        Some("https://developer.x.com/")
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn plain_http_is_refused_except_to_loopback() {
    let credentials = || Credentials {
        api_key: ApiKey::new("k"),
        api_key_secret: ApiKeySecret::new("s"),
        access_token: AccessToken::new("1-t"),
        access_token_secret: AccessTokenSecret::new("ts"),
        bearer_token: None,
    };
    for url in [
        "http://api.x.com",
        "http://10.0.0.1:8080",
        "http://example.com",
    ] {
        let err = XClient::new(credentials(), ClientConfig::default().base_url(url)).unwrap_err();
        assert!(
            err.to_string()
                .contains("refusing to send signed requests over plain HTTP"),
            "{url}: {err}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "https://api.x.com",
        "https://api.twitter.com",
    ] {
        assert!(
            XClient::new(credentials(), ClientConfig::default().base_url(url)).is_ok(),
            "{url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_is_retried_only_if_the_retry_can_end_within_the_budget() {
    // A 300 ms timeout and a 400 ms budget: a second attempt (20 ms wait + 300 ms) can't end in time.
    let (base, count) = fault_server(Fault::Slow);
    let tight = client_with(&base, |c| c.retries(2, Duration::from_millis(400)));
    let error = tight.get("/2/users/me", &[]).await.unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(
        error.to_string(),
        "X did not answer within 300ms (1 attempt; not retried: another attempt could not end within the 400ms retry budget)"
    );

    // A POST that timed out is not retried, and the error says it may have been done.
    let (base, count) = fault_server(Fault::Slow);
    let error = client(&base)
        .post_json("/2/tweets", &serde_json::json!({"text": "hi"}))
        .await
        .unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(
        error
            .to_string()
            .contains("a POST is never retried, it may have been done"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_an_answer_is_to_be_checked_before_it_is_sent_again() {
    use xkeys::api_error::{ApiFailure, Call, Retry};
    let (base, _) = fault_server(Fault::Slow);
    let posted = client(&base)
        .post_json("/2/tweets", &serde_json::json!({"text": "hi"}))
        .await;
    let request = "POST /2/tweets".to_string();
    let failed = ApiFailure::from_write_outcome(request, &posted, Call::UserContext, "data.id");
    assert!(failed.maybe_done());
    assert_eq!(failed.problem.retry, Retry::AfterChecking);
    let shown = failed.problem.to_string();
    assert!(shown.contains("Fix:   Don't run this again yet"), "{shown}");
    assert!(shown.contains("Retry: only after checking"), "{shown}");

    // An answer, even a failing one, means it wasn't done: the kind's own advice stands.
    let (base, _) = fault_server(Fault::Status(503));
    let posted = client(&base)
        .post_json("/2/tweets", &serde_json::json!({"text": "hi"}))
        .await;
    let request = "POST /2/tweets".to_string();
    let failed = ApiFailure::from_write_outcome(request, &posted, Call::UserContext, "data.id");
    assert!(!failed.maybe_done(), "{}", failed.problem);
    assert_eq!(failed.problem.kind, ProblemKind::ServerError);
}
