//! Property tests: the `.env` loader and the checker never panic on arbitrary input, and no `Debug` or
//! `Display` of a type that holds a secret ever contains it.
//!
//! `PROPTEST_CASES` raises the number of cases (CI default here: 10,000 for the loader and checker).

use proptest::prelude::*;
use xkeys::check::{check, check_with, CheckOptions};
use xkeys::credentials::{
    AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret, BearerToken, Credentials, Field,
    FoundValue, LoadedKeys, Loader, Origin,
};

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text shaped like a .env file: known names, aliases, odd separators, quotes, `$`, unicode, invisible chars.
fn env_like() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("X_API_KEY".to_string()),
        Just("X_API_KEY_SECRET".to_string()),
        Just("X_ACCESS_TOKEN".to_string()),
        Just("X_ACCESS_TOKEN_SECRET".to_string()),
        Just("X_BEARER_TOKEN".to_string()),
        Just("CONSUMER_KEY".to_string()),
        Just("TWITTER_ACCESS_TOKEN".to_string()),
        Just("X_CLIENT_ID".to_string()),
        Just("X_CLIENT_SECRET".to_string()),
        Just("X_OAUTH2_ACCESS_TOKEN".to_string()),
        Just("X_OAUTH2_REFRESH_TOKEN".to_string()),
        "[A-Z_]{1,12}",
        ".{0,8}",
    ];
    let sep = prop_oneof![Just("="), Just(": "), Just(" = "), Just(""), Just("=\"")];
    let value = prop_oneof![
        "[A-Za-z0-9]{0,60}",
        "[0-9]{1,19}-[A-Za-z0-9]{0,40}",
        ".{0,40}",
        "[\"'“”‘’$#\\\\ \t\u{a0}\u{200b}\u{feff}a-z{}]{0,20}",
        Just("Bearer AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F".to_string()),
        // OAuth 2.0 shapes: a Client ID, tokens ending in `:at:1` / `:rt:1` / `:ac:1` as base64.
        "[A-Za-z0-9]{28}MTpjaQ",
        "[A-Za-z0-9_-]{84}(OmF0OjE|OnJ0OjE|OmFjOjE)",
    ];
    let line = (
        prop_oneof![Just(""), Just("export "), Just("# "), Just("  ")],
        name,
        sep,
        value,
    )
        .prop_map(|(pre, n, s, v)| format!("{pre}{n}{s}{v}"));
    prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n"))
}

fn load_and_check(bytes: &[u8]) {
    let loaded = LoadedKeys::from_env_file_bytes(".env", bytes);
    // Without git: spawning git 10,000 times would only test git (tests/check_keys.rs covers it).
    let report = check_with(&loaded, CheckOptions { git: false });
    // Rendering must not panic either, and every finding names a fix and a chapter.
    let text = report.to_string();
    assert!(text.contains("Checking your X keys offline"));
    for f in &report.findings {
        assert!(
            !f.fix.is_empty() && f.chapter.file.ends_with(".md") || f.chapter.file.contains(".md#")
        );
    }
}

proptest! {
    #![proptest_config(cases(10_000))]

    #[test]
    fn loader_and_checker_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        load_and_check(&bytes);
    }

    #[test]
    fn loader_and_checker_never_panic_on_env_like_text(text in env_like()) {
        load_and_check(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(cases(2_000))]

    #[test]
    fn checker_never_panics_on_any_environment(values in prop::collection::vec(".{0,100}", Field::ALL.len())) {
        let env: Vec<(String, String)> = Field::ALL.iter().zip(&values).map(|(f, v)| (f.env_name().to_string(), v.clone())).collect();
        let loaded = Loader::new().no_env_file().environment(env).load().expect("load");
        let _ = check(&loaded).to_string();
    }

    /// No finding ever quotes a value: only names, lines, lengths and positions.
    #[test]
    fn findings_never_contain_a_secret(secret in "[A-Za-z0-9]{12,60}", other in "[A-Za-z0-9 \"“$]{0,30}") {
        let secrets = [Field::ApiKeySecret, Field::AccessTokenSecret, Field::BearerToken, Field::ClientSecret, Field::OAuth2AccessToken, Field::OAuth2RefreshToken];
        for field in secrets {
            for value in [secret.clone(), format!("{other}{secret}"), format!("{secret}{other}"), format!("Bearer {secret}")] {
                let loaded = Loader::new().no_env_file().environment([(field.env_name(), value.as_str())]).load().expect("load");
                let text = format!("{}\n{:?}\n{:?}", check(&loaded), check(&loaded), loaded);
                prop_assert!(!text.contains(&secret[..8]), "{field:?}: {text}");
            }
        }
    }

    #[test]
    fn debug_of_secret_types_never_contains_the_secret(secret in "[A-Za-z0-9%+/=]{8,120}") {
        let creds = Credentials {
            api_key: ApiKey::new(format!("Ab12{secret}")),
            api_key_secret: ApiKeySecret::new(secret.clone()),
            access_token: AccessToken::new(format!("1790-{secret}")),
            access_token_secret: AccessTokenSecret::new(secret.clone()),
            bearer_token: Some(BearerToken::new(secret.clone())),
        };
        let texts = [
            format!("{creds:?}"),
            format!("{:?}", creds.api_key_secret),
            format!("{:?}", creds.bearer_token),
            format!("{:?}", FoundValue::new(Field::AccessTokenSecret, "X_ACCESS_TOKEN_SECRET", Origin::Environment, &secret)),
            format!("{:?}", FoundValue::new(Field::ApiKey, "X_API_KEY", Origin::Environment, &secret)),
        ];
        for text in &texts {
            prop_assert!(!text.contains(&secret[..8]), "{text}");
        }
    }

    /// The OAuth 2.0 secrets: their newtypes, the tokens, the flow's client and a login in progress,
    /// the values read back from .env, and what the offline check says about them.
    #[test]
    fn debug_of_oauth2_types_never_contains_the_secret(secret in "[A-Za-z0-9_-]{8,120}") {
        use xkeys::oauth2::{ClientId, ClientSecret, OAuth2Client, RefreshToken, Scopes, Settings, Tokens, UserAccessToken, UserClient};
        let tokens = Tokens {
            access_token: UserAccessToken::new(secret.clone()),
            refresh_token: Some(RefreshToken::new(secret.clone())),
            scopes: Scopes::for_a_bot(),
            expires_at: Some(1_800_000_000),
        };
        let config = xkeys::client::ClientConfig::default();
        let client = OAuth2Client::new(ClientId::new("M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"), Some(ClientSecret::new(secret.clone())), "http://127.0.0.1:8765/callback", config.clone()).expect("client");
        let env = [
            ("X_CLIENT_SECRET".to_string(), secret.clone()),
            ("X_OAUTH2_ACCESS_TOKEN".to_string(), secret.clone()),
            ("X_OAUTH2_REFRESH_TOKEN".to_string(), secret.clone()),
        ];
        let settings = Settings::from_sources(env.clone(), None).expect("settings");
        let loaded = Loader::new().no_env_file().environment(env).load().expect("load");
        let texts = [
            format!("{:?}", ClientSecret::new(secret.clone())),
            format!("{tokens:?}"),
            format!("{client:?}"),
            format!("{:?}", client.authorize(&Scopes::for_a_bot())),
            format!("{settings:?}"),
            format!("{:?}", settings.tokens()),
            format!("{:?}", UserClient::for_tokens(&tokens, config).expect("user client")),
            format!("{}\n{:?}", check(&loaded), loaded),
            tokens.describe(1_800_000_000),
        ];
        for text in &texts {
            prop_assert!(!text.contains(&secret[..8]), "{text}");
        }
    }
}

/// The file path of the loader (read, BOM, permissions) on a few awkward files.
#[test]
fn awkward_files_load_from_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".env");
    for bytes in [
        &b""[..],
        b"\xEF\xBB\xBF",
        b"\xff\xfe\x00",
        b"X_API_KEY=\"unterminated\n",
        b"=\n==\n'",
        b"X_API_KEY=${X_API_KEY}\n",
    ] {
        std::fs::write(&path, bytes).expect("write");
        let loaded = Loader::new()
            .env_file(&path)
            .environment(Vec::<(String, String)>::new())
            .load()
            .expect("load");
        assert!(check(&loaded)
            .to_string()
            .contains("Checking your X keys offline"));
    }
}

/// The signer (reqwest-oauth1) and the sandbox's verifier are two independent implementations: for any
/// parameter names and values — unicode, reserved characters, empty values — what one signs, the other
/// must accept. (Names exclude `oauth_*`, which reqwest-oauth1 treats as protocol parameters, and
/// repeats, which X never sends: STACK.md pitfall 8.)
mod signer_and_verifier_agree {
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use reqwest_oauth1::OAuthClientProvider;
    use xkeys_sandbox::{DemoAccount, Sandbox, Scenario};

    struct Server {
        rt: tokio::runtime::Runtime,
        base: String,
        demo: DemoAccount,
        _sandbox: Sandbox,
    }

    fn server() -> &'static Server {
        static SERVER: OnceLock<Server> = OnceLock::new();
        SERVER.get_or_init(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            let sandbox = rt.block_on(Sandbox::start()).expect("sandbox");
            let demo = sandbox.demo(Scenario::FullAccess).clone();
            Server {
                base: sandbox.base_url().to_string(),
                demo,
                _sandbox: sandbox,
                rt,
            }
        })
    }

    fn params() -> impl Strategy<Value = Vec<(String, String)>> {
        // Names: the unreserved characters X's parameter names use. reqwest-oauth1 0.3 (through
        // oauth1-request 0.3) does not percent-encode parameter *names*, so a name such as "a b" or "]"
        // is signed unencoded and the sandbox, which follows RFC 5849 §3.6, rejects it:
        // `names_are_percent_encoded_in_the_base_string` pins the sandbox's side.
        let name = "[A-Za-z0-9._~-]{1,12}".prop_filter("not oauth_*", |n| !n.starts_with("oauth_"));
        let value = prop_oneof![
            Just(String::new()),
            "[a-zA-Z0-9]{0,12}",
            "[!*'();:@&=+$,/?#\\[\\] %~]{0,12}",
            "\\PC{0,10}"
        ];
        prop::collection::btree_map(name, value, 0..5).prop_map(|m| m.into_iter().collect())
    }

    /// Signs a request with these parameters (in the query, or in a form body) and sends it to the
    /// sandbox's /sandbox/echo; returns the status and the sandbox's explanation.
    fn send(params: &[(String, String)], form: bool) -> (u16, String) {
        let s = server();
        let d = &s.demo;
        let secrets = reqwest_oauth1::Secrets::new(d.api_key.clone(), d.api_key_secret.clone())
            .token(d.access_token.clone(), d.access_token_secret.clone());
        s.rt.block_on(async {
            let client = reqwest::Client::new().oauth1(secrets);
            let url = format!("{}/sandbox/echo", s.base);
            let request = if form {
                client.post(url).form(&params.to_vec())
            } else {
                client.get(url).query(params)
            };
            let response = request.send().await.expect("the sandbox answers");
            let explain = response
                .headers()
                .get("x-sandbox-explain")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            (response.status().as_u16(), explain)
        })
    }

    #[test]
    fn names_are_percent_encoded_in_the_base_string() {
        let base = xkeys_sandbox::oauth1::signature_base_string(
            "GET",
            "http://127.0.0.1:1/sandbox/echo",
            &[("a b", "]"), ("oauth_nonce", "n")],
        );
        assert_eq!(
            base,
            "GET&http%3A%2F%2F127.0.0.1%3A1%2Fsandbox%2Fecho&a%2520b%3D%255D%26oauth_nonce%3Dn"
        );
    }

    proptest! {
        #![proptest_config(super::cases(300))]

        #[test]
        fn query_parameters(params in params()) {
            let (status, explain) = send(&params, false);
            prop_assert_eq!(status, 200, "{:?}: {}", params, explain);
        }

        #[test]
        fn form_parameters(params in params()) {
            let (status, explain) = send(&params, true);
            prop_assert_eq!(status, 200, "{:?}: {}", params, explain);
        }
    }
}
