//! What values look like: the shapes of X's keys, and the wrapping a copy-paste adds to them.

use crate::credentials::user_id_prefix;

/// Invisible characters that copying from a web page or a document brings along, and their names.
pub(super) const INVISIBLE: &[(char, &str)] = &[
    ('\u{FEFF}', "a byte order mark (U+FEFF)"),
    ('\u{200B}', "a zero-width space (U+200B)"),
    ('\u{200C}', "a zero-width non-joiner (U+200C)"),
    ('\u{200D}', "a zero-width joiner (U+200D)"),
    ('\u{2060}', "a word joiner (U+2060)"),
    ('\u{00A0}', "a non-breaking space (U+00A0)"),
    ('\u{202F}', "a narrow non-breaking space (U+202F)"),
];

/// Quotes that may wrap a value: ASCII, backtick and typographic.
pub(super) const QUOTES: &[char] = &['"', '\'', '`', '“', '”', '‘', '’', '„', '«', '»'];

/// Cleans a value the way the fixes suggest, so shape checks judge the key and not the wrapping.
pub(super) fn cleaned(value: &str) -> String {
    let mut v: String = value
        .chars()
        .filter(|c| !INVISIBLE.iter().any(|(i, _)| i == c))
        .collect();
    loop {
        let before = v.len();
        v = v.trim().trim_matches(QUOTES).to_string();
        if let Some(rest) = strip_bearer(&v) {
            v = rest.to_string();
        }
        if v.len() == before {
            return v;
        }
    }
}

/// The value without a leading `Bearer ` (any case).
pub(super) fn strip_bearer(v: &str) -> Option<&str> {
    let head = v.get(..7)?;
    head.eq_ignore_ascii_case("bearer ").then(|| &v[7..])
}

/// Whether the value is non-empty ASCII letters and digits.
pub(super) fn is_alnum(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An OAuth 2.0 Client ID: 34 characters of unpadded base64 of `<20 characters>:1:ci`, so it ends in
/// `MTpjaQ` (as the example in X's OAuth 2.0 authorization-code docs does).
pub(super) fn looks_like_client_id(v: &str) -> bool {
    v.len() == 34 && v.ends_with("MTpjaQ")
}

/// A Bearer Token starts with a run of `A`s (21 in every example of X's Bearer Token docs).
pub(super) fn looks_like_bearer(v: &str) -> bool {
    v.len() > 60 && v.bytes().take_while(|b| *b == b'A').count() >= 15
}

/// An Access Token: `<decimal user id>-<alphanumerics>`.
pub(super) fn looks_like_access_token(v: &str) -> bool {
    user_id_prefix(v).is_some_and(|id| is_alnum(&v[id.len() + 1..]))
}

/// Template text such as `your_api_key_here` or `<token>`.
pub(super) fn looks_like_placeholder(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "your_",
        "your-",
        "your ",
        "yourkey",
        "yoursecret",
        "yourtoken",
        "_here",
        "-here",
        " here",
        "xxxx",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "replace_me",
        "replace-me",
        "replaceme",
        "insert_",
        "insert-",
        "paste_",
        "paste-",
        "<",
        ">",
        "...",
        "…",
        "todo",
    ];
    WORDS.iter().any(|w| lower.contains(w))
        || matches!(
            lower.as_str(),
            "key" | "secret" | "token" | "none" | "null" | "test"
        )
}

/// What an OAuth 2.0 token is, by its end: unpadded base64 of `…:<ms>:1:<0|1>:<at|rt|ac>:1`, so an
/// access token ends in `OmF0OjE`, a refresh token in `OnJ0OjE`, an authorization code in `OmFjOjE`.
/// Seen in X's samples and in real tokens, not documented: a hint, never a rule.
pub(super) fn oauth2_token_kind(v: &str) -> Option<&'static str> {
    let base64url = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !(base64url && (80..=110).contains(&v.len())) {
        return None;
    }
    [
        ("OmF0OjE", "an OAuth 2.0 access token"),
        ("OnJ0OjE", "an OAuth 2.0 refresh token"),
        ("OmFjOjE", "an OAuth 2.0 authorization code"),
    ]
    .into_iter()
    .find_map(|(end, what)| v.ends_with(end).then_some(what))
}
