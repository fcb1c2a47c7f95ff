//! The loopback listener that receives X's redirect: one GET on `http://127.0.0.1:PORT/PATH`,
//! answered with a small HTML page. A few dozen lines on [`tokio::net::TcpListener`], so the library
//! needs no HTTP server.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use ::oauth2::{AuthorizationCode, CsrfToken};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout_at, Instant};
use url::Url;

use super::callback::parse_redirect;
use super::error::{FlowFailure, OAuth2Kind};

/// The most of a request that is read: a browser's GET with a long query fits easily.
const MAX_REQUEST: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a redirect URI can be received on this machine: `http://127.0.0.1:PORT/…` only.
///
/// # Errors
/// [`OAuth2Kind::RedirectUriUnusable`], saying why (https, `localhost`, another host).
pub fn loopback_address(uri: &Url) -> Result<SocketAddr, FlowFailure> {
    let unusable = |why: &str| {
        FlowFailure::new(
            format!("The redirect URI {uri}"),
            OAuth2Kind::RedirectUriUnusable,
        )
        .saying(why)
    };
    if uri.scheme() != "http" {
        return Err(unusable(
            "a listener on this machine serves http://127.0.0.1 only",
        ));
    }
    match uri.host() {
        Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => {}
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            return Err(unusable(
                "X asks for 127.0.0.1, not localhost, for local work",
            ))
        }
        _ => return Err(unusable("its host is not 127.0.0.1")),
    }
    let port = uri.port_or_known_default().unwrap_or(80);
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// A listener on the redirect URI's port, waiting for X's redirect.
#[derive(Debug)]
pub struct CallbackListener {
    listener: TcpListener,
    uri: Url,
}

impl CallbackListener {
    /// Listens on the redirect URI's address (`http://127.0.0.1:PORT/…`).
    ///
    /// # Errors
    /// [`OAuth2Kind::RedirectUriUnusable`] for another kind of URI, [`OAuth2Kind::PortInUse`] when
    /// another program has the port.
    pub async fn bind(uri: &Url) -> Result<CallbackListener, FlowFailure> {
        let addr = loopback_address(uri)?;
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            let step = format!("Listening on {addr} for {uri}");
            match e.kind() {
                std::io::ErrorKind::AddrInUse => FlowFailure::new(step, OAuth2Kind::PortInUse)
                    .saying(format!("port {} is in use by another program", addr.port())),
                _ => FlowFailure::new(step, OAuth2Kind::PortInUse).saying(e.to_string()),
            }
        })?;
        Ok(CallbackListener {
            listener,
            uri: uri.clone(),
        })
    }

    /// The redirect URI it serves.
    pub fn uri(&self) -> &Url {
        &self.uri
    }

    /// Waits up to `wait` for the browser to come back to the redirect URI, answers it with a page
    /// saying whether the login worked, and returns the code (checked against `state`). Requests
    /// for other paths (a browser's `/favicon.ico`) get a 404 and the wait goes on.
    ///
    /// # Errors
    /// [`OAuth2Kind::NoRedirect`] when nothing came in time; the redirect's own failures
    /// ([`parse_redirect`]).
    ///
    /// # Security
    /// The code and the state are secrets of the login: the page and the failures never show them.
    pub async fn receive(
        &self,
        state: &CsrfToken,
        wait: Duration,
    ) -> Result<AuthorizationCode, FlowFailure> {
        let deadline = Instant::now() + wait;
        loop {
            let Ok(accepted) = timeout_at(deadline, self.listener.accept()).await else {
                return Err(FlowFailure::new(
                    format!("Waiting for X's redirect to {}", self.uri),
                    OAuth2Kind::NoRedirect,
                )
                .saying(format!("nothing came within {} s", wait.as_secs())));
            };
            let Ok((mut stream, _)) = accepted else {
                continue;
            };
            let Some(target) = read_target(&mut stream).await else {
                let _ = respond(&mut stream, "400 Bad Request", "Not a GET request", "").await;
                continue;
            };
            let path = target.split('?').next().unwrap_or("");
            if path != self.uri.path() {
                let _ = respond(&mut stream, "404 Not Found", "Not the redirect URI", "").await;
                continue;
            }
            let result = parse_redirect(&target, state);
            let _ = match &result {
                Ok(_) => {
                    respond(
                        &mut stream,
                        "200 OK",
                        "Authorized",
                        "You can close this tab and go back to the terminal.",
                    )
                    .await
                }
                Err(f) => {
                    respond(&mut stream, "400 Bad Request", f.kind.title(), f.kind.fix()).await
                }
            };
            return result;
        }
    }
}

/// The target of a `GET <target> HTTP/1.x` request, read within [`READ_TIMEOUT`].
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Some(())
    };
    tokio::time::timeout(READ_TIMEOUT, read).await.ok()??;
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next()?.split(' ');
    match (words.next(), words.next(), words.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_string())
        }
        _ => None,
    }
}

/// Answers with a small HTML page and closes the connection.
async fn respond(
    stream: &mut TcpStream,
    status: &str,
    title: &str,
    text: &str,
) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>{t}</h1><p>{p}</p>\
         <p>(xkeys' OAuth 2.0 login)</p></body></html>",
        t = escape(title),
        p = escape(text)
    );
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// Text made safe for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_127_0_0_1_can_be_listened_on() {
        let addr = |u: &str| loopback_address(&Url::parse(u).unwrap());
        assert_eq!(addr("http://127.0.0.1:8765/callback").unwrap().port(), 8765);
        for bad in [
            "https://127.0.0.1:8765/cb",
            "http://localhost:8765/cb",
            "http://example.com/cb",
        ] {
            assert_eq!(
                addr(bad).unwrap_err().kind,
                OAuth2Kind::RedirectUriUnusable,
                "{bad}"
            );
        }
        assert!(addr("http://localhost:1/cb")
            .unwrap_err()
            .to_string()
            .contains("not localhost"));
    }

    #[tokio::test]
    async fn receives_the_redirect_answers_a_page_and_skips_other_paths() {
        let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        let uri = Url::parse(&format!("http://127.0.0.1:{port}/callback")).unwrap();
        let listener = CallbackListener::bind(&uri).await.unwrap();
        // A second listener on the same port is refused, and says so.
        let busy = CallbackListener::bind(&uri).await.unwrap_err();
        assert_eq!(busy.kind, OAuth2Kind::PortInUse);
        assert!(
            busy.to_string().contains(&format!("port {port} is in use")),
            "{busy}"
        );
        let state = CsrfToken::new("s1".into());
        let browser = tokio::spawn(async move {
            let http = reqwest::Client::new();
            let favicon = http
                .get(format!("http://127.0.0.1:{port}/favicon.ico"))
                .send()
                .await
                .unwrap();
            assert_eq!(favicon.status(), 404);
            let page = http
                .get(format!(
                    "http://127.0.0.1:{port}/callback?state=s1&code=c0de"
                ))
                .send()
                .await
                .unwrap();
            (page.status().as_u16(), page.text().await.unwrap())
        });
        let code = listener
            .receive(&state, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(code.secret(), "c0de");
        let (status, html) = browser.await.unwrap();
        assert_eq!(status, 200);
        assert!(
            html.contains("<h1>Authorized</h1>") && !html.contains("c0de"),
            "{html}"
        );
    }

    #[tokio::test]
    async fn a_wrong_state_gets_a_failure_page_and_nothing_gets_a_timeout() {
        let listener = CallbackListener::bind(&Url::parse("http://127.0.0.1:0/cb").unwrap())
            .await
            .unwrap();
        let port = listener.listener.local_addr().unwrap().port();
        let browser = tokio::spawn(async move {
            let url = format!("http://127.0.0.1:{port}/cb?state=forged&code=c0de");
            let page = reqwest::get(url).await.unwrap();
            (page.status().as_u16(), page.text().await.unwrap())
        });
        let err = listener
            .receive(&CsrfToken::new("s1".into()), Duration::from_secs(30))
            .await
            .unwrap_err();
        assert_eq!(err.kind, OAuth2Kind::StateMismatch);
        let (status, html) = browser.await.unwrap();
        assert_eq!(status, 400);
        assert!(html.contains("state mismatch"), "{html}");
        let err = listener
            .receive(&CsrfToken::new("s1".into()), Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(err.kind, OAuth2Kind::NoRedirect);
    }
}
