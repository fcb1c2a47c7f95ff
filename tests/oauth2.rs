//! OAuth 2.0 end to end against the sandbox: `oauth2_login` in both modes (the test plays the
//! browser on the sandbox's consent page: with the listener it follows X's redirect, headless it
//! pastes the redirect URL), what it writes to `.env`, and every refusal the library explains: a
//! wrong code_verifier, a reused code, an unregistered redirect URI, a reused refresh token, a token
//! without tweet.write posting, a confidential client without its secret, a forged state.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use oauth2::PkceCodeVerifier;
use reqwest::Method;
use xkeys::client::ClientConfig;
use xkeys::oauth2::{
    names, parse_redirect, Action, ClientId, ClientSecret, OAuth2Client, OAuth2Kind, RefreshToken,
    Scopes, Settings, TokenKind, UserAccessToken, UserClient,
};
use xkeys_sandbox::{DemoAccount, Sandbox, SandboxConfig, Scenario};

/// The account the test authorizes: another than the app owner's.
const BOT: &str = "xkeys_readwrite";

/// A free port on 127.0.0.1 for a redirect URI (the sandbox registers it, the example listens on it).
fn free_redirect() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/callback")
}

/// A sandbox with `redirect` registered for every demo app.
async fn sandbox_with(redirect: &str) -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().callback_url(redirect))
        .await
        .unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What the consent page did: where X sent the browser, or the page it showed instead.
#[derive(Debug)]
enum Consent {
    Redirect(String),
    Page(u16, String),
}

/// Plays the account's owner on the sandbox's consent page: opens `url`, picks `username`, and
/// clicks the first button ('Authorize') or the second ('Cancel'); the redirect is not followed.
async fn consent(url: &str, username: &str, authorize: bool) -> Consent {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(url).send().await.unwrap();
    let status = page.status().as_u16();
    let html = page.text().await.unwrap();
    if status != 200 {
        return Consent::Page(status, html);
    }
    let mut form: Vec<(String, String)> = Vec::new();
    for part in html.split("<input type=\"hidden\" name=\"").skip(1) {
        let (name, rest) = part.split_once('"').unwrap();
        let value = common::between(rest, "value=\"", "\"").unwrap();
        form.push((name.to_string(), unescape(&value)));
    }
    let decisions: Vec<String> = html
        .split("name=\"decision\" value=\"")
        .skip(1)
        .filter_map(|p| p.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(
        decisions.len(),
        2,
        "an Authorize and a Cancel button:\n{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{username}\"")),
        "@{username} offered:\n{html}"
    );
    form.push(("username".into(), username.into()));
    let decision = if authorize {
        &decisions[0]
    } else {
        &decisions[1]
    };
    form.push(("decision".into(), decision.clone()));
    let action = common::between(&html, "<form method=\"post\" action=\"", "\"").unwrap();
    let origin = url::Url::parse(url).unwrap().origin().ascii_serialization();
    let answer = http
        .post(format!("{origin}{action}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    match answer.headers().get("location") {
        Some(to) => Consent::Redirect(to.to_str().unwrap().to_string()),
        None => {
            let status = answer.status().as_u16();
            Consent::Page(status, answer.text().await.unwrap())
        }
    }
}

/// Authorizes as `username` and returns the redirect URL (with `state` and `code`).
async fn authorized(url: &str, username: &str) -> String {
    match consent(url, username, true).await {
        Consent::Redirect(to) => to,
        other => panic!("no redirect: {other:?}"),
    }
}

// ---- the example, run as a reader runs it ----

/// What a finished run printed.
struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The example, started with the demo app's Client ID and Secret, pointed at `base`.
fn start(
    dir: &Path,
    app: Option<&DemoAccount>,
    base: &str,
    redirect: &str,
    args: &[&str],
) -> Child {
    let mut cmd = common::example("oauth2_login", dir);
    if let Some(app) = app {
        cmd.env(names::CLIENT_ID, &app.client_id)
            .env(names::CLIENT_SECRET, &app.client_secret)
            .env("X_API_BASE_URL", base);
    }
    cmd.env(names::REDIRECT_URI, redirect)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oauth2_login starts")
}

/// Reads the example's stdout up to the authorize URL (`None` if it ended first).
async fn authorize_url(
    child: &mut Child,
) -> (Option<String>, String, BufReader<std::process::ChildStdout>) {
    let stdout = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut seen = String::new();
        loop {
            let from = seen.len();
            if reader.read_line(&mut seen).unwrap_or(0) == 0 {
                return (None, seen, reader);
            }
            let line = &seen[from..];
            if let (Some(at), true) = (line.find("http"), line.contains("/i/oauth2/authorize?")) {
                let url = line[at..].trim().to_string();
                return (Some(url), seen, reader);
            }
        }
    })
    .await
    .unwrap()
}

/// Types `input`, then waits (at most 60 s) for the example to end and collects its output.
async fn finish(
    mut child: Child,
    seen: String,
    mut reader: BufReader<std::process::ChildStdout>,
    input: &str,
) -> Finished {
    let input = input.to_string();
    tokio::task::spawn_blocking(move || {
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(input.as_bytes());
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut stdout = seen;
        reader.read_to_string(&mut stdout).unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        Finished {
            code: child.wait().unwrap().code(),
            stdout,
            stderr,
        }
    })
    .await
    .unwrap()
}

/// Runs the example to the authorize URL, lets `browser` act on it, then types what it returns.
async fn run<F, Fut>(
    dir: &Path,
    app: Option<&DemoAccount>,
    base: &str,
    redirect: &str,
    args: &[&str],
    browser: F,
) -> Finished
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let mut child = start(dir, app, base, redirect, args);
    let (url, seen, reader) = authorize_url(&mut child).await;
    let Some(url) = url else {
        return finish(child, seen, reader, "").await;
    };
    let input = browser(url).await;
    finish(child, seen, reader, &input).await
}

/// Follows the redirect as the browser does (to the example's listener) and returns its page.
async fn follow(to: &str) -> (u16, String) {
    let page = reqwest::get(to).await.unwrap();
    (page.status().as_u16(), page.text().await.unwrap())
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_no_secret(app: &DemoAccount, run: &Finished, more: &[&str]) {
    let all = run.all();
    for secret in [app.client_secret.as_str()]
        .into_iter()
        .chain(more.iter().copied())
    {
        for form in common::leak_forms(secret) {
            assert!(!all.contains(&form), "a secret leaked ({form}):\n{all}");
        }
    }
}

const BEFORE: &str = "# my bot\nexport OTHER='keep me'\nX_API_KEY=unchanged\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loopback_login_saves_tokens_that_act_for_the_account_that_authorized() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(&env, BEFORE).unwrap();
    let back = redirect.clone();
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &redirect,
        &[],
        |url| async move {
            assert!(
                url.contains("code_challenge_method=S256")
                    && url.contains("scope=tweet.read+tweet.write"),
                "{url}"
            );
            let to = authorized(&url, BOT).await;
            assert!(to.starts_with(&format!("{back}?")), "{to}");
            let (status, page) = follow(&to).await;
            assert_eq!(status, 200, "{page}");
            assert!(page.contains("Authorized"), "{page}");
            String::new()
        },
    )
    .await;
    assert_eq!(done.code, Some(0), "{}", done.all());
    assert!(
        done.stdout.contains(&format!(
            "3. Waiting for X to send the browser back to {redirect}"
        )),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout
            .contains(&format!("✔ Tokens for @{BOT} (user id ")),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("refresh token: yes"),
        "{}",
        done.stdout
    );
    #[cfg(unix)]
    assert_eq!(mode(&env), 0o600);
    let after = std::fs::read_to_string(&env).unwrap();
    assert!(after.starts_with(BEFORE), "other lines kept:\n{after}");

    // Read back as a bot would: the token acts for the account that authorized, with its scopes.
    let saved = Settings::from_sources(Vec::new(), Some(&env)).unwrap();
    let tokens = saved.tokens().expect("tokens saved");
    assert!(
        tokens.scopes.missing_for(Action::Post).is_empty()
            && tokens.scopes.contains("offline.access")
    );
    let expires_in = tokens
        .expires_in(xkeys::oauth2::tokens::unix_now())
        .unwrap();
    assert!((7000..=7200).contains(&expires_in), "{expires_in}");
    let config = ClientConfig::default().base_url(sandbox.base_url());
    let me = UserClient::for_tokens(&tokens, config)
        .unwrap()
        .me()
        .await
        .unwrap();
    assert_eq!(me.username, BOT);
    let access = tokens.access_token.expose_secret().to_string();
    let refresh = tokens
        .refresh_token
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_string();
    assert_no_secret(app, &done, &[&access, &refresh]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_reads_the_pasted_redirect_and_asks_before_replacing_tokens() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    let old = format!("{BEFORE}{}=old-token\n", names::ACCESS_TOKEN);
    std::fs::write(&env, &old).unwrap();
    let scopes = ["--headless", "--scopes", "tweet.read users.read"];

    // "n": nothing written.
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &redirect,
        &scopes,
        |url| async move { format!("{}\nn\n", authorized(&url, BOT).await) },
    )
    .await;
    assert_eq!(done.code, Some(1), "{}", done.all());
    assert!(
        done.stdout.contains("3. Paste the browser's address ("),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains(&format!(
            "Replace the OAuth 2.0 tokens in .env (line 4) with the tokens for @{BOT}"
        )),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("Nothing written"), "{}", done.stdout);
    assert!(
        done.stdout
            .contains("refresh token: no (ask for offline.access)"),
        "{}",
        done.stdout
    );
    assert_eq!(std::fs::read_to_string(&env).unwrap(), old);

    // "y": replaced in place, the rest kept.
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &redirect,
        &scopes,
        |url| async move { format!("{}\ny\n", authorized(&url, BOT).await) },
    )
    .await;
    assert_eq!(done.code, Some(0), "{}", done.all());
    let after = std::fs::read_to_string(&env).unwrap();
    assert!(
        after.starts_with(&format!("{BEFORE}{}=", names::ACCESS_TOKEN))
            && !after.contains("old-token"),
        "{after}"
    );
    let tokens = Settings::from_sources(Vec::new(), Some(&env))
        .unwrap()
        .tokens()
        .unwrap();
    assert_eq!(tokens.scopes.to_string().split(' ').count(), 2);
    assert!(tokens.refresh_token.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_mode_runs_the_flow_in_process_and_writes_nothing() {
    let redirect = free_redirect();
    let dir = tempfile::tempdir().unwrap();
    let done = run(
        dir.path(),
        None,
        "",
        &redirect,
        &["--sandbox"],
        |url| async move {
            let (status, page) = follow(&authorized(&url, "xkeys_full").await).await;
            assert_eq!(status, 200, "{page}");
            String::new()
        },
    )
    .await;
    assert_eq!(done.code, Some(0), "{}", done.all());
    assert!(
        done.stdout
            .starts_with("SANDBOX: the demo app on the local sandbox, not X"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("✔ Tokens for @xkeys_full"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("SANDBOX: nothing written"),
        "{}",
        done.stdout
    );
    assert!(!dir.path().join(".env").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unregistered_redirect_uri_gets_the_failure_page_and_the_fix() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let unregistered = free_redirect();
    // Headless: the browser stays on X's page, and the reader pastes what the address bar shows.
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &unregistered,
        &["--headless"],
        |url| async move {
            match consent(&url, BOT, true).await {
                Consent::Page(400, html) => {
                    assert!(html.contains("Something went wrong"), "{html}")
                }
                other => panic!("X's failure page expected: {other:?}"),
            }
            format!("{url}\n")
        },
    )
    .await;
    assert_eq!(done.code, Some(1), "{}", done.all());
    assert!(
        done.stderr.contains("✘ That is not the redirect URL"),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr.contains("'Callback URI / Redirect URL'"),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr
            .contains("troubleshooting.md#oauth2-failure-page"),
        "{}",
        done.stderr
    );
    // With the listener, nothing comes back: it says so when --wait runs out.
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &unregistered,
        &["--wait", "1"],
        |url| async move {
            assert!(matches!(
                consent(&url, BOT, true).await,
                Consent::Page(400, _)
            ));
            String::new()
        },
    )
    .await;
    assert_eq!(done.code, Some(1), "{}", done.all());
    assert!(
        done.stderr.contains("No redirect came back from X"),
        "{}",
        done.stderr
    );
    assert!(!dir.path().join(".env").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_state_and_a_busy_port_stop_the_login_with_the_fix() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let back = redirect.clone();
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &redirect,
        &["--headless"],
        |url| async move {
            let to = authorized(&url, BOT).await;
            let forged = url::Url::parse(&to).unwrap();
            let code = forged
                .query_pairs()
                .find(|(k, _)| k == "code")
                .unwrap()
                .1
                .to_string();
            format!("{back}?state=someone-elses&code={code}\n")
        },
    )
    .await;
    assert_eq!(done.code, Some(1), "{}", done.all());
    assert!(done.stderr.contains("(state mismatch)"), "{}", done.stderr);
    assert!(
        done.stderr
            .contains("troubleshooting.md#oauth2-state-mismatch"),
        "{}",
        done.stderr
    );

    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    let _busy = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let done = run(
        dir.path(),
        Some(app),
        sandbox.base_url(),
        &redirect,
        &[],
        |_| async { String::new() },
    )
    .await;
    assert_eq!(done.code, Some(1), "{}", done.all());
    assert!(
        done.stderr.contains(&format!("port {port} is in use")),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr.contains("X_OAUTH2_REDIRECT_URI"),
        "{}",
        done.stderr
    );
    assert!(
        !done.stdout.contains("/i/oauth2/authorize?"),
        "no URL to open: {}",
        done.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_client_id_it_offers_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::example("oauth2_login", dir.path())
        .output()
        .unwrap();
    let run = common::Run::from_output(&out);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains("No X_CLIENT_ID found") && run.stdout.contains("--sandbox"),
        "{}",
        run.stdout
    );
    let out = common::example("oauth2_login", dir.path())
        .args(["--scopes", "tweets.write"])
        .output()
        .unwrap();
    let run = common::Run::from_output(&out);
    assert_eq!(run.code, Some(2), "clap's usage error");
    assert!(
        run.stderr
            .contains("\"tweets.write\" is not one of X's OAuth 2.0 scopes"),
        "{}",
        run.stderr
    );
}

// ---- the library against the sandbox: each refusal as X gives it, explained ----

/// A demo account's OAuth 2.0 tokens, as `.env` would hold them.
fn demo_tokens(demo: &DemoAccount) -> xkeys::oauth2::Tokens {
    let env = demo.oauth2_environment().map(|(k, v)| (k.to_string(), v));
    Settings::from_sources(env, None).unwrap().tokens().unwrap()
}

/// A client for the demo app (confidential unless `secret` is None) on `sandbox`, with `redirect`.
fn client(sandbox: &Sandbox, id: &str, secret: Option<&str>, redirect: &str) -> OAuth2Client {
    OAuth2Client::new(
        ClientId::new(id),
        secret.map(ClientSecret::new),
        redirect,
        ClientConfig::default().base_url(sandbox.base_url()),
    )
    .unwrap()
}

/// A login up to the code: the authorization (state, verifier) and the code the redirect brought.
async fn code_for(
    client: &OAuth2Client,
    scopes: &str,
) -> (xkeys::oauth2::Authorization, oauth2::AuthorizationCode) {
    let login = client.authorize(&Scopes::parse(scopes).unwrap());
    let to = authorized(login.url.as_str(), BOT).await;
    let code = parse_redirect(&to, &login.state).unwrap();
    (login, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_verifier_and_a_reused_code_are_refused_as_x_refuses_them() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let c = client(
        &sandbox,
        &app.client_id,
        Some(&app.client_secret),
        &redirect,
    );

    let (login, code) = code_for(&c, "tweet.read users.read").await;
    let wrong = PkceCodeVerifier::new("a".repeat(43));
    let err = c.exchange(code, wrong, &login.scopes).await.unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::VerifierMismatch),
        "{}",
        err.report()
    );
    assert!(err.to_string().contains("400 Bad Request: invalid_request: Value passed for the code verifier did not match the code challenge."), "{err}");
    assert!(
        err.report().contains("Run the login again from the start"),
        "{}",
        err.report()
    );

    let (login, code) = code_for(&c, "tweet.read users.read").await;
    let again = oauth2::AuthorizationCode::new(code.secret().clone());
    let tokens = c
        .exchange(code, login.verifier, &login.scopes)
        .await
        .unwrap();
    assert_eq!(tokens.scopes.to_string().split(' ').count(), 2);
    let verifier = PkceCodeVerifier::new("b".repeat(43));
    let err = c
        .exchange(again, verifier, &login.scopes)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::CodeInvalid),
        "{}",
        err.report()
    );
    assert!(
        err.to_string()
            .contains("Value passed for the authorization code was invalid."),
        "{err}"
    );
    assert!(
        err.report()
            .contains("exchange the new code right away and only once"),
        "{}",
        err.report()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_client_needs_its_secret_and_a_public_one_needs_none() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let no_secret = client(&sandbox, &app.client_id, None, &redirect);
    let (login, code) = code_for(&no_secret, "tweet.read users.read").await;
    let err = no_secret
        .exchange(code, login.verifier, &login.scopes)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::ClientSecretMissing),
        "{}",
        err.report()
    );
    assert!(
        err.to_string()
            .contains("401 Unauthorized: unauthorized_client: Missing valid authorization header"),
        "{err}"
    );
    assert!(
        err.report().contains("Set X_CLIENT_SECRET"),
        "{}",
        err.report()
    );

    let public = client(&sandbox, sandbox.public_client_id(), None, &redirect);
    let (login, code) = code_for(&public, "tweet.read users.read offline.access").await;
    let tokens = public
        .exchange(code, login.verifier, &login.scopes)
        .await
        .unwrap();
    let refreshed = public
        .refresh(tokens.refresh_token.as_ref().unwrap(), &tokens.scopes)
        .await
        .unwrap();
    assert!(refreshed.refresh_token.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_a_reused_refresh_token_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let c = client(
        &sandbox,
        &app.client_id,
        Some(&app.client_secret),
        xkeys::oauth2::DEFAULT_REDIRECT_URI,
    );
    let first = RefreshToken::new(&app.oauth2_refresh_token);
    let scopes = Scopes::granted(&app.oauth2_scopes);
    let fresh = c.refresh(&first, &scopes).await.unwrap();
    let next = fresh.refresh_token.clone().unwrap();
    assert_ne!(
        next.expose_secret(),
        first.expose_secret(),
        "X rotates refresh tokens"
    );
    let me = UserClient::new(
        fresh.access_token.clone(),
        ClientConfig::default().base_url(sandbox.base_url()),
    )
    .unwrap()
    .me()
    .await
    .unwrap();
    assert_eq!(me.username, app.username);

    // Saved as a bot must, the rotated pair replaces the old one in .env.
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(&env, format!("KEEP=1\n{}=old\n", names::REFRESH_TOKEN)).unwrap();
    xkeys::oauth2::tokens::save(&env, &fresh).unwrap();
    let saved = Settings::from_sources(Vec::new(), Some(&env))
        .unwrap()
        .tokens()
        .unwrap();
    assert_eq!(
        saved.refresh_token.unwrap().expose_secret(),
        next.expose_secret()
    );
    assert!(std::fs::read_to_string(&env)
        .unwrap()
        .starts_with("KEEP=1\n"));

    let err = c.refresh(&first, &scopes).await.unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::RefreshRejected),
        "{}",
        err.report()
    );
    assert!(
        err.to_string().contains("400 Bad Request: invalid_request"),
        "{err}"
    );
    assert!(
        err.report()
            .contains("save the new refresh token X returns on every refresh"),
        "{}",
        err.report()
    );

    // The scenario's demo refresh token was spent before the sandbox started.
    let reused = sandbox.demo(Scenario::Oauth2RefreshReused);
    let c = client(
        &sandbox,
        &reused.client_id,
        Some(&reused.client_secret),
        xkeys::oauth2::DEFAULT_REDIRECT_URI,
    );
    let err = c
        .refresh(&RefreshToken::new(&reused.oauth2_refresh_token), &scopes)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::RefreshRejected),
        "{}",
        err.report()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_tweet_write_is_refused_posting_and_the_fix_names_the_scope() {
    let redirect = free_redirect();
    let sandbox = sandbox_with(&redirect).await;
    let app = sandbox.demo(Scenario::FullAccess);
    let c = client(
        &sandbox,
        &app.client_id,
        Some(&app.client_secret),
        &redirect,
    );
    let (login, code) = code_for(&c, "tweet.read users.read").await;
    let tokens = c
        .exchange(code, login.verifier, &login.scopes)
        .await
        .unwrap();
    let config = ClientConfig::default().base_url(sandbox.base_url());
    let user = UserClient::for_tokens(&tokens, config.clone()).unwrap();
    let body = serde_json::json!({ "text": "hello from a read-only token" });
    let err = user
        .call(Action::Post, Method::POST, "/2/tweets", Some(&body))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::MissingScope),
        "{}",
        err.report()
    );
    assert!(err.to_string().contains("403 Forbidden: to post (POST /2/tweets) a token needs tweet.read tweet.write users.read; this one lacks tweet.write"), "{err}");
    assert!(
        err.report().contains("oauth2_login --scopes"),
        "{}",
        err.report()
    );
    // Reading who it is works: the token is fine, only the scope is missing.
    assert_eq!(user.me().await.unwrap().username, BOT);

    // The scenario's demo token lacks tweet.write and dm.write too.
    let scoped = sandbox.demo(Scenario::Oauth2MissingScope);
    let user = UserClient::for_tokens(&demo_tokens(scoped), config).unwrap();
    let err = user
        .call(Action::Post, Method::POST, "/2/tweets", Some(&body))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::MissingScope),
        "{}",
        err.report()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_revoked_token_gets_401_and_a_refresh_brings_it_back() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let config = ClientConfig::default().base_url(sandbox.base_url());
    let c = client(
        &sandbox,
        &app.client_id,
        Some(&app.client_secret),
        xkeys::oauth2::DEFAULT_REDIRECT_URI,
    );
    let fresh = c
        .refresh(
            &RefreshToken::new(&app.oauth2_refresh_token),
            &Scopes::granted(&app.oauth2_scopes),
        )
        .await
        .unwrap();
    sandbox.advance_clock(Duration::from_secs(2 * 3600 + 60));
    // Two hours later by the sandbox's clock: by ours, its saved expiry is past too.
    let mut aged = fresh.clone();
    aged.expires_at = Some(xkeys::oauth2::tokens::unix_now() - 60);
    let user = UserClient::for_tokens(&aged, config.clone()).unwrap();
    let err = user.me().await.unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::TokenExpired),
        "{}",
        err.report()
    );
    assert!(
        err.report().contains("Refresh the token"),
        "{}",
        err.report()
    );
    let again = c
        .refresh(fresh.refresh_token.as_ref().unwrap(), &fresh.scopes)
        .await
        .unwrap();
    let user = UserClient::for_tokens(&again, config.clone()).unwrap();
    assert_eq!(user.me().await.unwrap().username, app.username);

    // Revoked by the app: the next call is a 401 too.
    c.revoke(again.access_token.expose_secret(), TokenKind::Access)
        .await
        .unwrap();
    let err = user.me().await.unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::TokenRevoked),
        "{}",
        err.report()
    );
    assert!(err.report().contains("Log in again"), "{}", err.report());
    // The scenario's token was revoked before its time was up.
    let revoked = sandbox.demo(Scenario::Oauth2Revoked);
    let user = UserClient::for_tokens(&demo_tokens(revoked), config.clone()).unwrap();
    assert_eq!(
        user.me().await.unwrap_err().kind(),
        Some(OAuth2Kind::TokenRevoked)
    );
    // Without a saved expiry, a 401 is "expired or revoked".
    let bare = UserClient::new(UserAccessToken::new(&revoked.oauth2_access_token), config).unwrap();
    let err = bare.me().await.unwrap_err();
    assert_eq!(err.kind(), Some(OAuth2Kind::TokenExpired));
    assert!(
        err.to_string().contains("expired (2 hours) or was revoked"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_on_the_consent_page_is_access_denied() {
    let redirect = free_redirect();
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .callback_url(&redirect)
            .oauth2_cancel_redirects(true),
    )
    .await
    .unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let c = client(
        &sandbox,
        &app.client_id,
        Some(&app.client_secret),
        &redirect,
    );
    let login = c.authorize(&Scopes::for_a_bot());
    let to = match consent(login.url.as_str(), BOT, false).await {
        Consent::Redirect(to) => to,
        other => panic!("a redirect with the error: {other:?}"),
    };
    let err = parse_redirect(&to, &login.state).unwrap_err();
    assert_eq!(err.kind, OAuth2Kind::AccessDenied, "{err}");
    assert!(err.to_string().contains("error=access_denied"), "{err}");
}

#[test]
fn every_oauth2_kind_points_to_a_troubleshooting_section_that_exists() {
    let book = common::root().join("book");
    for kind in OAuth2Kind::ALL {
        let chapter = kind.chapter();
        let (file, anchor) = chapter.file.split_once('#').unwrap();
        let text = std::fs::read_to_string(book.join(file)).unwrap();
        assert!(
            text.contains(&format!("{{#{anchor}}}")),
            "{kind:?}: no {{#{anchor}}} in {file}"
        );
    }
    let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap();
    assert!(summary.contains(&format!("]({})", xkeys::chapters::OAUTH2.file)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth1_only_and_oauth2_only_endpoints_refuse_the_other_kind_and_say_so() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let config = ClientConfig::default().base_url(sandbox.base_url());
    // An OAuth 2.0 token on v1.1.
    let user = UserClient::for_tokens(&demo_tokens(app), config.clone()).unwrap();
    let err = user
        .call(
            Action::WhoAmI,
            Method::GET,
            "/1.1/account/verify_credentials.json",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        Some(OAuth2Kind::V1NeedsOAuth1),
        "{}",
        err.report()
    );
    assert!(
        err.report()
            .contains("troubleshooting.md#oauth2-v1-refused"),
        "{}",
        err.report()
    );
    // OAuth 1.0a on bookmarks, which take OAuth 2.0 only.
    let loaded = xkeys::credentials::Loader::new()
        .no_env_file()
        .environment(app.environment())
        .load()
        .unwrap();
    let signed = xkeys::client::XClient::new(loaded.credentials().unwrap(), config).unwrap();
    let path = format!("/2/users/{}/bookmarks", app.user_id);
    let answer = signed
        .post_json(
            &path,
            &serde_json::json!({ "tweet_id": "1790000000000000001" }),
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 403);
    let problem = xkeys::api_error::classify_response(&answer);
    assert_eq!(
        problem.kind,
        xkeys::api_error::ProblemKind::Oauth2Only,
        "{problem}"
    );
    assert!(problem.to_string().contains("oauth2_login"), "{problem}");
    // The user token may bookmark (it has bookmark.write).
    let body = serde_json::json!({ "tweet_id": "1790000000000000001" });
    let done = user
        .call(Action::WhoAmI, Method::POST, &path, Some(&body))
        .await;
    assert!(done.is_ok(), "{}", done.unwrap_err().report());
}

// ---- verify_keys and an OAuth 2.0 token ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_keys_shows_each_oauth2_scenario_with_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "oauth2-expired",
            1,
            "✘ The OAuth 2.0 token expired (401 Unauthorized)",
            "✘ Expires                1 min ago",
        ),
        (
            "oauth2-revoked",
            1,
            "✘ The OAuth 2.0 token was revoked (401 Unauthorized)",
            "Log in again (cargo run --example oauth2_login)",
        ),
        (
            "oauth2-missing-scope",
            1,
            "✘ Scopes                 lacks tweet.write dm.write",
            "oauth2_login --scopes",
        ),
        (
            "oauth2-refresh-reused",
            0,
            "✔ Refresh                possible",
            "not tried: a refresh spends the refresh token",
        ),
    ];
    for (scenario, code, first, second) in cases {
        let out = common::example("verify_keys", dir.path())
            .args(["--sandbox", "--scenario", scenario])
            .output()
            .unwrap();
        let run = common::Run::from_output(&out);
        assert_eq!(
            run.code,
            Some(code),
            "{scenario}:\n{}{}",
            run.stdout,
            run.stderr
        );
        for words in [
            first,
            second,
            "Verifying your OAuth 2.0 token: GET /2/users/me on the sandbox",
        ] {
            assert!(
                run.stdout.contains(words),
                "{scenario}: no {words:?}:\n{}",
                run.stdout
            );
        }
        assert!(
            !run.stdout.contains("Verifying your keys"),
            "the OAuth 2.0 token alone:\n{}",
            run.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_keys_checks_your_oauth2_token_alone_or_after_the_four_keys() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.demo(Scenario::FullAccess);
    let dir = tempfile::tempdir().unwrap();
    let oauth2: String = app
        .oauth2_environment()
        .iter()
        .map(|(k, v)| format!("{k}='{v}'\n"))
        .collect();
    // Alone: the OAuth 2.0 values only.
    common::write_env(dir.path(), &oauth2);
    let run = |args: &[&str]| {
        let out = common::example("verify_keys", dir.path())
            .env("X_API_BASE_URL", sandbox.base_url())
            .args(args)
            .output()
            .unwrap();
        common::Run::from_output(&out)
    };
    let alone = run(&[]);
    assert_eq!(alone.code, Some(0), "{}{}", alone.stdout, alone.stderr);
    assert!(
        alone
            .stdout
            .contains(&format!("✔ Account                @{}", app.username)),
        "{}",
        alone.stdout
    );
    assert!(
        alone.stdout.contains("✔ Your OAuth 2.0 token works"),
        "{}",
        alone.stdout
    );
    let json = run(&["--json", "--need", "read"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["mode"], "x");
    assert_eq!(v["oauth2"]["account"]["username"], app.username.as_str());
    for secret in [
        &app.oauth2_access_token,
        &app.oauth2_refresh_token,
        &app.client_secret,
    ] {
        assert!(!alone.stdout.contains(secret.as_str()) && !json.stdout.contains(secret.as_str()));
    }
    // With the four keys: both verdicts, one exit status.
    let oauth1: String = app
        .environment()
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    common::write_env(dir.path(), &format!("{oauth1}{oauth2}"));
    let both = run(&[]);
    assert_eq!(both.code, Some(0), "{}{}", both.stdout, both.stderr);
    let (first, second) = (
        both.stdout.find("✔ Your keys work"),
        both.stdout.find("✔ Your OAuth 2.0 token works"),
    );
    assert!(first.is_some() && first < second, "{}", both.stdout);
    // A refresh token in the access token's place stops it offline, before X is asked.
    let swapped = oauth2
        .replace("X_OAUTH2_ACCESS_TOKEN", "X_TMP")
        .replace("X_OAUTH2_REFRESH_TOKEN", "X_OAUTH2_ACCESS_TOKEN")
        .replace("X_TMP", "X_OAUTH2_REFRESH_TOKEN");
    common::write_env(dir.path(), &swapped);
    let stopped = run(&[]);
    assert_eq!(
        stopped.code,
        Some(1),
        "{}{}",
        stopped.stdout,
        stopped.stderr
    );
    assert!(
        stopped
            .stdout
            .contains("the access and refresh tokens are swapped"),
        "{}",
        stopped.stdout
    );
    assert!(
        !stopped.stdout.contains("Verifying your OAuth 2.0 token"),
        "{}",
        stopped.stdout
    );
}
