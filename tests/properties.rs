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
    fn checker_never_panics_on_any_environment(values in prop::collection::vec(".{0,80}", 5)) {
        let env: Vec<(String, String)> = Field::ALL.iter().zip(&values).map(|(f, v)| (f.env_name().to_string(), v.clone())).collect();
        let loaded = Loader::new().no_env_file().environment(env).load().expect("load");
        let _ = check(&loaded).to_string();
    }

    /// No finding ever quotes a value: only names, lines, lengths and positions.
    #[test]
    fn findings_never_contain_a_secret(secret in "[A-Za-z0-9]{12,60}", other in "[A-Za-z0-9 \"“$]{0,30}") {
        for field in [Field::ApiKeySecret, Field::AccessTokenSecret, Field::BearerToken] {
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
