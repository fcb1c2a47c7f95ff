//! Reading X's redirect: `REDIRECT_URI?state=…&code=…` (or `?error=access_denied&state=…`), as the
//! listener receives it or as the user pastes it, checked against the login's own `state`.

use ::oauth2::{AuthorizationCode, CsrfToken};
use url::Url;

use super::error::{FlowFailure, OAuth2Kind};

/// The step named in failures about the redirect.
const STEP: &str = "The redirect from X";

/// Whether two strings are equal, in time that depends on their length only (not on where they
/// differ), so that a forged `state` can't be found byte by byte from response times.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// The query of what was pasted or requested: a whole URL, a path with `?…`, `?…`, or `state=…&code=…`.
fn query_of(input: &str) -> Option<String> {
    let input = input.trim();
    if let Ok(url) = Url::parse(input) {
        return url.query().map(str::to_string);
    }
    match input.split_once('?') {
        Some((_, query)) => Some(query.to_string()),
        None if input.contains('=') => Some(input.to_string()),
        None => None,
    }
}

/// The authorization code in a redirect (a URL, a request target, or its query), after checking its
/// `state` against `expected` in constant time. An `error` in the redirect wins over everything.
///
/// # Errors
/// A [`FlowFailure`]: [`OAuth2Kind::AccessDenied`] or [`OAuth2Kind::AuthorizeRefused`] (with X's
/// `error` and `error_description`), [`OAuth2Kind::StateMismatch`], [`OAuth2Kind::NoCode`], or
/// [`OAuth2Kind::NotARedirect`] (nothing like a redirect: e.g. X's authorize URL pasted back).
///
/// # Security
/// The code and the state are secrets of the login: no failure contains them.
pub fn parse_redirect(input: &str, expected: &CsrfToken) -> Result<AuthorizationCode, FlowFailure> {
    let authorize_page =
        Url::parse(input.trim()).is_ok_and(|u| u.path().ends_with("/oauth2/authorize"));
    let Some(query) = query_of(input).filter(|_| !authorize_page) else {
        return Err(not_a_redirect(input));
    };
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        slot.get_or_insert(value.into_owned());
    }
    if let Some(error) = error {
        let kind = match error.as_str() {
            "access_denied" => OAuth2Kind::AccessDenied,
            _ => OAuth2Kind::AuthorizeRefused,
        };
        // X's own words: an error code and its description (never a secret).
        let says = match description {
            Some(d) => format!("error={error}: {d}"),
            None => format!("error={error}"),
        };
        return Err(FlowFailure::new(STEP, kind).saying(says));
    }
    match (state, code) {
        (None, None) => Err(not_a_redirect(input)),
        (None, Some(_)) => Err(FlowFailure::new(STEP, OAuth2Kind::StateMismatch)
            .saying("the redirect has a code but no state")),
        (Some(state), _) if !constant_time_eq(&state, expected.secret()) => {
            Err(FlowFailure::new(STEP, OAuth2Kind::StateMismatch)
                .saying("its state is not the one this login sent"))
        }
        (Some(_), None) => Err(FlowFailure::new(STEP, OAuth2Kind::NoCode)
            .saying("the state is right, but there is no code")),
        (Some(_), Some(code)) if code.is_empty() => Err(FlowFailure::new(STEP, OAuth2Kind::NoCode)
            .saying("the state is right, but the code is empty")),
        (Some(_), Some(code)) => Ok(AuthorizationCode::new(code)),
    }
}

/// What was pasted is not a redirect: say what it looks like (only the scheme, host and path of a
/// URL, which hold no secret).
fn not_a_redirect(input: &str) -> FlowFailure {
    let input = input.trim();
    let says = match Url::parse(input) {
        _ if input.is_empty() => "nothing was pasted".to_string(),
        Ok(url) if url.path().ends_with("/oauth2/authorize") => format!(
            "that is X's authorize page ({}{}), not the redirect: X did not send the browser back",
            url.host_str().unwrap_or(""),
            url.path()
        ),
        Ok(url) => format!(
            "{}://{}{} has no state or code",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.path()
        ),
        Err(_) => "that is not a URL with ?state=…&code=…".to_string(),
    };
    FlowFailure::new(STEP, OAuth2Kind::NotARedirect).saying(says)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> CsrfToken {
        CsrfToken::new("Zx8sR3bQ1mVt0yLwKc5nHg".to_string())
    }

    #[test]
    fn a_redirect_gives_its_code_whatever_form_it_is_pasted_in() {
        for input in [
            "http://127.0.0.1:8765/callback?state=Zx8sR3bQ1mVt0yLwKc5nHg&code=VGNibzFWSWREZm01bjN1N3dicWlNUG1oa2xRRVNNdmVHelJGY2hPWGxNd2dxOjE2MjIxNjA4MjU4MjU6MToxOmFjOjE",
            "  /callback?code=VGNi&state=Zx8sR3bQ1mVt0yLwKc5nHg\n",
            "?state=Zx8sR3bQ1mVt0yLwKc5nHg&code=VGNi",
            "state=Zx8sR3bQ1mVt0yLwKc5nHg&code=VGNi",
        ] {
            let code = parse_redirect(input, &state()).unwrap();
            assert!(code.secret().starts_with("VGNi"), "{input}");
        }
    }

    #[test]
    fn the_wrong_state_an_error_or_no_code_is_refused_without_echoing_secrets() {
        let kind = |input: &str| parse_redirect(input, &state()).unwrap_err().kind;
        let err = parse_redirect("/callback?state=other&code=SECRETCODE", &state()).unwrap_err();
        assert_eq!(err.kind, OAuth2Kind::StateMismatch);
        assert!(!format!("{err} {err:?}").contains("SECRETCODE"));
        assert!(!format!("{err:?}").contains("Zx8sR3bQ"));
        assert_eq!(kind("/callback?code=abc"), OAuth2Kind::StateMismatch);
        assert_eq!(
            kind("/callback?error=access_denied&state=Zx8sR3bQ1mVt0yLwKc5nHg"),
            OAuth2Kind::AccessDenied
        );
        assert_eq!(
            kind("/callback?error=invalid_scope"),
            OAuth2Kind::AuthorizeRefused
        );
        assert_eq!(
            kind("/callback?state=Zx8sR3bQ1mVt0yLwKc5nHg"),
            OAuth2Kind::NoCode
        );
        assert_eq!(
            kind("/callback?state=Zx8sR3bQ1mVt0yLwKc5nHg&code="),
            OAuth2Kind::NoCode
        );
        let pasted_authorize = "https://x.com/i/oauth2/authorize?response_type=code&client_id=M1M5&state=Zx8sR3bQ1mVt0yLwKc5nHg";
        let err = parse_redirect(pasted_authorize, &state()).unwrap_err();
        assert_eq!(err.kind, OAuth2Kind::NotARedirect);
        assert!(
            err.to_string()
                .contains("X's authorize page (x.com/i/oauth2/authorize)"),
            "{err}"
        );
        assert_eq!(kind(""), OAuth2Kind::NotARedirect);
        assert_eq!(kind("hello"), OAuth2Kind::NotARedirect);
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(constant_time_eq("", ""));
    }
}
