//! The OAuth 2.0 values: the Client ID and Client Secret (the app's, from the portal) and the user
//! tokens (from the login), their shapes, and the mix-ups between them and the OAuth 1.0a keys.

use super::shape::{is_alnum, looks_like_access_token, looks_like_client_id, oauth2_token_kind};
use super::{chapter_for, where_to_copy, About, Finding, Severity, Subject};
use crate::chapters;
use crate::credentials::Field;

/// What the OAuth 2.0 values need of each other: a Client Secret or a refresh token without the
/// Client ID they work with (`has`: whether a field is set and not empty).
pub(super) fn check_missing(has: &dyn Fn(Field) -> bool, out: &mut Vec<Finding>) {
    if has(Field::ClientId) {
        return;
    }
    let (problem, severity) = if has(Field::ClientSecret) {
        (
            "is missing: the Client Secret works only with its Client ID.",
            Severity::Error,
        )
    } else if has(Field::OAuth2RefreshToken) {
        ("is missing: refreshing the OAuth 2.0 token needs the app's Client ID (and, for a confidential client, its secret).", Severity::Warning)
    } else {
        return;
    };
    out.push(Finding::new(
        severity,
        Subject::Missing(Field::ClientId),
        problem,
        format!(
            "Add X_CLIENT_ID=... with the 'Client ID' from {}.",
            where_to_copy(Field::ClientId)
        ),
        chapters::OAUTH2,
    ));
}

/// An OAuth 2.0 token, or an OAuth 1.0a Access Token, where the other kind belongs; then the shape
/// says nothing more.
pub(super) fn token_in_wrong_slot(about: &mut About<'_>, field: Field, value: &str) -> bool {
    let (label, name) = (field.label(), field.env_name());
    if let (Some(what), false) = (oauth2_token_kind(value), field.is_oauth2()) {
        let slot = match what {
            "an OAuth 2.0 refresh token" => "X_OAUTH2_REFRESH_TOKEN",
            _ => "X_OAUTH2_ACCESS_TOKEN",
        };
        about.push(
            Severity::Error,
            format!("looks like {what} ({} characters ending in `{}`), not the {label}: OAuth 2.0 tokens go with the Client ID, not with the OAuth 1.0a keys.", value.len(), &value[value.len() - 7..]),
            format!("Move it to {slot} and paste the '{label}' from {} into {name}.", where_to_copy(field)),
            chapters::OAUTH2,
        );
        return true;
    }
    let oauth2_token = matches!(field, Field::OAuth2AccessToken | Field::OAuth2RefreshToken);
    if oauth2_token && looks_like_access_token(value) {
        about.push(
            Severity::Error,
            "looks like an OAuth 1.0a Access Token (it starts with a user id and `-`), not an OAuth 2.0 token.",
            format!("Put it in X_ACCESS_TOKEN (with its secret), and get {name} from {}.", where_to_copy(field)),
            chapters::OAUTH2,
        );
        return true;
    }
    false
}

/// The shape of an OAuth 2.0 value.
pub(super) fn oauth2_shape(about: &mut About<'_>, field: Field, value: &str) {
    let (copy, chapter) = (where_to_copy(field), chapter_for(field));
    match field {
        Field::ClientId if value.bytes().all(|b| b.is_ascii_digit()) => about.push(
            Severity::Error,
            "is all digits: that is the app's numeric id, not its OAuth 2.0 Client ID.",
            format!("Copy the 'Client ID' from {copy}: 34 characters ending in `MTpjaQ`."),
            chapter,
        ),
        Field::ClientId if is_alnum(value) && value.len() == 25 => about.push(
            Severity::Error,
            "looks like an API Key (25 letters and digits), not the Client ID.",
            format!("Put the API Key in X_API_KEY and copy the 'Client ID' from {copy}."),
            chapter,
        ),
        Field::ClientId if !looks_like_client_id(value) => about.push(
            Severity::Warning,
            format!("is {} characters long and doesn't end in `MTpjaQ`, as Client IDs do (34 characters).", value.chars().count()),
            format!("Copy the 'Client ID' again from {copy}."),
            chapter,
        ),
        Field::ClientSecret if is_alnum(value) && value.len() == 25 => about.push(
            Severity::Error,
            "looks like an API Key (25 letters and digits), not the Client Secret.",
            format!("Copy the 'Client Secret' from {copy}."),
            chapter,
        ),
        Field::ClientSecret
            if value.len() != 50
                || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            about.push(
                Severity::Warning,
                format!("is {} characters long, or has characters other than letters, digits, `-` and `_`: the one sample known is 50 of those (unconfirmed).", value.chars().count()),
                format!("Compare it with the 'Client Secret' in {copy}."),
                chapter,
            )
        }
        Field::OAuth2AccessToken => token_shape(about, value, "an OAuth 2.0 access token", "X_OAUTH2_REFRESH_TOKEN"),
        Field::OAuth2RefreshToken => token_shape(about, value, "an OAuth 2.0 refresh token", "X_OAUTH2_ACCESS_TOKEN"),
        _ => {}
    }
}

/// An OAuth 2.0 token: `want` is what the slot holds, `other` the variable of the other token.
fn token_shape(about: &mut About<'_>, value: &str, want: &str, other: &str) {
    match oauth2_token_kind(value) {
        Some(what) if what == want => {}
        Some("an OAuth 2.0 authorization code") => about.push(
            Severity::Error,
            "looks like an authorization code (it ends in `OmFjOjE`), which lives 30 seconds and works once, not a token.",
            "Run the login again and let it trade the code for tokens: `cargo run --example oauth2_login`.",
            chapters::OAUTH2,
        ),
        Some(what) => about.push(
            Severity::Error,
            format!("looks like {what}: the access and refresh tokens are swapped."),
            format!("Swap it with the value of {other}."),
            chapters::OAUTH2,
        ),
        None => about.push(
            Severity::Warning,
            format!("doesn't look like {want} (X's are 91 characters of base64); X doesn't document their shape, so this may be fine."),
            "If X refuses it, log in again: `cargo run --example oauth2_login`.",
            chapters::OAUTH2,
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check_with, CheckOptions, Severity};
    use crate::credentials::{Field, Loader};

    const CLIENT_ID: &str = "M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ";
    const ACCESS: &str = "Q0Mzb0VhZ0V5dmNXSTEyNER2MFNfVW50RzdXdTN6STFxQlVkTGhTc1lCdlBiOjE2MjIxNDc3NDM5MTQ6MToxOmF0OjE";
    const REFRESH: &str = "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNDc3NDM5MTQ6MToxOnJ0OjE";

    /// The findings (field, severity, problem) of an environment, without a .env file or git.
    fn findings(env: &[(&str, &str)]) -> Vec<(Option<Field>, Severity, String)> {
        let loaded = Loader::new()
            .no_env_file()
            .environment(env.iter().copied())
            .load()
            .unwrap();
        let report = check_with(&loaded, CheckOptions { git: false });
        report
            .findings
            .iter()
            .map(|f| (f.subject.field(), f.severity, f.problem.clone()))
            .collect()
    }

    fn has(found: &[(Option<Field>, Severity, String)], field: Field, words: &str) -> bool {
        found
            .iter()
            .any(|(f, s, p)| *f == Some(field) && *s == Severity::Error && p.contains(words))
    }

    #[test]
    fn right_oauth2_values_pass_and_the_report_shows_them_only_when_set() {
        let env = [
            ("X_CLIENT_ID", CLIENT_ID),
            (
                "X_CLIENT_SECRET",
                "Yq3mL8vNx2Rk7Tb1Wc9Pz4Hd6Gf0Js5Ae2Ku8Mr1Lp7Vn3X-oW",
            ),
            ("X_OAUTH2_ACCESS_TOKEN", ACCESS),
            ("X_OAUTH2_REFRESH_TOKEN", REFRESH),
        ];
        let found = findings(&env);
        assert!(
            found.iter().all(|(_, s, _)| *s == Severity::Note),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(_, _, p)| p.contains("no OAuth 1.0a keys: fine")),
            "{found:?}"
        );
        let loaded = Loader::new().no_env_file().environment(env).load().unwrap();
        let report = check_with(&loaded, CheckOptions { git: false });
        assert_eq!(report.fields.len(), 9);
        assert!(report.has_oauth2_token() && !report.is_complete());
        let text = report.to_string();
        assert!(
            text.contains("Client ID            X_CLIENT_ID = M1M5…"),
            "{text}"
        );
        assert!(
            !text.contains("Yq3mL8") && !text.contains("Q0Mzb0"),
            "{text}"
        );
        let none = Loader::new()
            .no_env_file()
            .environment(Vec::<(String, String)>::new())
            .load()
            .unwrap();
        assert_eq!(
            check_with(&none, CheckOptions { git: false }).fields.len(),
            5
        );
    }

    #[test]
    fn mix_ups_between_oauth2_and_oauth1_values_are_errors() {
        let found = findings(&[
            ("X_API_KEY", CLIENT_ID),
            (
                "X_API_KEY_SECRET",
                "Yq3mL8vNx2Rk7Tb1Wc9Pz4Hd6Gf0Js5Ae2Ku8Mr1Lp7Vn3X-oW",
            ),
            ("X_ACCESS_TOKEN", ACCESS),
            (
                "X_ACCESS_TOKEN_SECRET",
                "Yt6Rp1Lm9Kq3Wx7Zn2Vb5Hc8Jd4Fg0Sa6Qe1Tu9Io3Py7",
            ),
            ("X_BEARER_TOKEN", REFRESH),
        ]);
        assert!(
            has(&found, Field::ApiKey, "OAuth 2.0 Client ID"),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(f, _, p)| *f == Some(Field::ApiKeySecret)
                && p.contains("OAuth 2.0 Client Secret")),
            "{found:?}"
        );
        assert!(
            has(&found, Field::AccessToken, "an OAuth 2.0 access token"),
            "{found:?}"
        );
        assert!(
            has(&found, Field::BearerToken, "an OAuth 2.0 refresh token"),
            "{found:?}"
        );

        let found = findings(&[
            ("X_CLIENT_ID", "1790000000000000001"),
            ("X_OAUTH2_ACCESS_TOKEN", REFRESH),
            (
                "X_OAUTH2_REFRESH_TOKEN",
                "1790000000000000042-Hq8Wm3Lx7Kp2Rv9Tz4Nc6Bj1Fd5Gs0",
            ),
        ]);
        assert!(has(&found, Field::ClientId, "numeric id"), "{found:?}");
        assert!(
            has(&found, Field::OAuth2AccessToken, "swapped"),
            "{found:?}"
        );
        assert!(
            has(&found, Field::OAuth2RefreshToken, "OAuth 1.0a Access Token"),
            "{found:?}"
        );
        let found = findings(&[(
            "X_CLIENT_SECRET",
            "Yq3mL8vNx2Rk7Tb1Wc9Pz4Hd6Gf0Js5Ae2Ku8Mr1Lp7Vn3X-oW",
        )]);
        assert!(
            has(&found, Field::ClientId, "works only with its Client ID"),
            "{found:?}"
        );
        let found = findings(&[("X_CLIENT_ID", "Xa1bC2dE3fG4hI5jK6lM7nO8p")]);
        assert!(
            has(&found, Field::ClientId, "looks like an API Key"),
            "{found:?}"
        );
    }
}
