//! Checks of one value at a time, one function per family of mistake: empty; copy-paste wrapping
//! (invisible characters, whitespace, quotes, a `Bearer ` prefix, `$`); placeholders; another
//! credential in the slot; and the shape (characters, length) of each field.

use super::shape::{
    cleaned, is_alnum, looks_like_access_token, looks_like_bearer, looks_like_client_id,
    looks_like_placeholder, strip_bearer, INVISIBLE, QUOTES,
};
use super::{chapter_for, subject, where_to_copy, About, Finding, Severity};
use crate::chapters;
use crate::credentials::{user_id_prefix, Field, FoundValue};

/// Checks the value used for a field. `swapped`: the pair checks found it in the wrong slot, so its
/// shape would only repeat that.
pub(super) fn check_value(v: &FoundValue, swapped: bool, out: &mut Vec<Finding>) {
    let raw = v.expose_value();
    let about = &mut About::new(subject(v), out);
    // An empty value is not set yet: the missing checks say what comes next (or that it's needed).
    if raw.is_empty() {
        return;
    }
    if raw.trim().is_empty() {
        empty(about, v, raw);
        return;
    }
    invisible(about, v.field, raw);
    whitespace(about, &v.name, raw);
    quotes_and_prefix(about, v, raw.trim());
    if v.dollar_expanded {
        about.push(
            Severity::Error,
            "contains a `$` that dotenv expands as a variable, so the loaded value is cut or changed.",
            format!("Put the value in single quotes in the .env file: {}='...'.", v.name),
            chapters::STORE_AND_LOAD,
        );
    }
    if placeholder(about, v, raw.trim()) {
        return;
    }
    let value = cleaned(raw);
    // A value a `$` cut has the wrong shape because of the `$`: its error says so, a shape warning
    // ("copy it again") would send the reader the wrong way.
    if value.is_empty() || swapped || v.dollar_expanded || another_credential(about, v, &value) {
        return;
    }
    match v.field {
        Field::ApiKey | Field::ApiKeySecret | Field::AccessTokenSecret => {
            key_or_secret_shape(about, v.field, &value)
        }
        Field::AccessToken => access_token_shape(about, &value),
        Field::BearerToken => bearer_shape(about, &value),
        _ => super::oauth2::oauth2_shape(about, v.field, &value),
    }
}

fn empty(about: &mut About<'_>, v: &FoundValue, raw: &str) {
    about.push(
        Severity::Error,
        if raw.is_empty() {
            "is empty."
        } else {
            "holds only whitespace."
        },
        format!(
            "Paste the '{}' from {} after `{}=`.",
            v.field.label(),
            where_to_copy(v.field),
            v.name
        ),
        chapter_for(v.field),
    );
}

/// Zero-width characters, non-breaking spaces and byte order marks, each where it is.
fn invisible(about: &mut About<'_>, field: Field, raw: &str) {
    for (c, what) in INVISIBLE {
        if let Some(pos) = raw.chars().position(|x| x == *c) {
            about.push(
                Severity::Error,
                format!("contains {what} at character {} (invisible, usually from copying out of a web page or a document).", pos + 1),
                format!("Delete the value and type or paste it again from {}, from a plain-text source.", where_to_copy(field)),
                chapters::STORE_AND_LOAD,
            );
        }
    }
}

/// Spaces or a line break around the value.
fn whitespace(about: &mut About<'_>, name: &str, raw: &str) {
    if raw == raw.trim() {
        return;
    }
    let at = match (
        raw.starts_with(char::is_whitespace),
        raw.ends_with(char::is_whitespace),
    ) {
        (true, true) => "at both ends",
        (true, false) => "at the start",
        _ => "at the end",
    };
    let newline = if raw.contains(['\n', '\r']) {
        " (a line break)"
    } else {
        ""
    };
    about.push(
        Severity::Error,
        format!("has whitespace {at}{newline}; X would see it as part of the key."),
        format!("Delete the whitespace {at} of the value of {name} (inside its quotes too, if it has any): X's keys have none."),
        chapters::STORE_AND_LOAD,
    );
}

/// Quotes that survived loading, and a `Bearer ` prefix.
fn quotes_and_prefix(about: &mut About<'_>, v: &FoundValue, trimmed: &str) {
    if trimmed.starts_with(QUOTES) || trimmed.ends_with(QUOTES) {
        const TYPOGRAPHIC: [char; 7] = ['“', '”', '‘', '’', '„', '«', '»'];
        let typographic = trimmed.starts_with(TYPOGRAPHIC) || trimmed.ends_with(TYPOGRAPHIC);
        about.push(
            Severity::Error,
            if typographic {
                "is wrapped in typographic quotes (“ ” or ‘ ’), which dotenv keeps as part of the value."
            } else {
                "still has quotes around it after loading (quoted twice, or unbalanced quotes)."
            },
            format!(
                "Write it as {}=value, or with plain single quotes: {}='value'.",
                v.name, v.name
            ),
            chapters::STORE_AND_LOAD,
        );
    }
    if strip_bearer(trimmed.trim_matches(QUOTES)).is_some() {
        let fix = if v.field == Field::BearerToken {
            "Remove the \"Bearer \" prefix: store only the token; the code adds \"Bearer \" when it sends it.".to_string()
        } else {
            format!("Remove \"Bearer \": the {} is used as it is, and a Bearer Token doesn't belong in {} at all.", v.field.label(), v.name)
        };
        about.push(
            Severity::Error,
            "starts with \"Bearer \".",
            fix,
            chapter_for(v.field),
        );
    }
}

/// Template text instead of a key; then nothing else about the value matters.
fn placeholder(about: &mut About<'_>, v: &FoundValue, trimmed: &str) -> bool {
    let found = looks_like_placeholder(trimmed);
    if found {
        about.push(
            Severity::Error,
            "looks like placeholder text, not a real key.",
            format!(
                "Replace it with your '{}' from {}.",
                v.field.label(),
                where_to_copy(v.field)
            ),
            chapter_for(v.field),
        );
    }
    found
}

/// A Bearer Token, an OAuth 2.0 Client ID or an Access Token in the wrong slot; then its shape says
/// nothing more. (A token and its secret swapped are reported by the pair checks.)
fn another_credential(about: &mut About<'_>, v: &FoundValue, value: &str) -> bool {
    let (field, label, copy) = (v.field, v.field.label(), where_to_copy(v.field));
    if field != Field::BearerToken && looks_like_bearer(value) {
        about.push(
            Severity::Error,
            format!("looks like a Bearer Token (a long value starting with many `A`s), not the {label}."),
            format!("Put the Bearer Token in X_BEARER_TOKEN (optional) and paste the '{label}' from {copy} here."),
            chapters::REGISTER_AN_APP,
        );
        return true;
    }
    if field != Field::ClientId && looks_like_client_id(value) {
        about.push(
            Severity::Error,
            format!("looks like an OAuth 2.0 Client ID (34 characters ending in `MTpjaQ`), not the {label}."),
            format!("Put it in X_CLIENT_ID (for OAuth 2.0) and paste the '{label}' from {copy} here."),
            chapters::OAUTH2,
        );
        return true;
    }
    if super::oauth2::token_in_wrong_slot(about, field, value) {
        return true;
    }
    let key_or_secret = matches!(
        field,
        Field::ApiKey | Field::ApiKeySecret | Field::AccessTokenSecret
    );
    if !key_or_secret || !looks_like_access_token(value) {
        return false;
    }
    if field != Field::AccessTokenSecret {
        about.push(
            Severity::Error,
            format!(
                "looks like an Access Token (it starts with a user id and `-`), not the {label}."
            ),
            format!(
                "Put the Access Token in X_ACCESS_TOKEN and paste the '{label}' from {copy} here."
            ),
            chapter_for(field),
        );
    }
    true
}

/// The API Key, the API Key Secret and the Access Token Secret: letters and digits, of a known length.
fn key_or_secret_shape(about: &mut About<'_>, field: Field, value: &str) {
    let (label, copy, chapter) = (field.label(), where_to_copy(field), chapter_for(field));
    let (expected, older) = match field {
        Field::ApiKey => (25, "older keys can be shorter, e.g. 22"),
        Field::ApiKeySecret => (50, "older secrets can be shorter, e.g. 43"),
        _ => (45, "older secrets can be shorter, e.g. 41 or 42"),
    };
    if field == Field::ApiKeySecret
        && value.len() == 50
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !is_alnum(value)
    {
        about.push(
            Severity::Warning,
            "looks like an OAuth 2.0 Client Secret (it has `-` or `_`), not an API Key Secret.",
            format!("Put it in X_CLIENT_SECRET (for OAuth 2.0) and paste the 'API Key Secret' from {copy} here."),
            chapters::OAUTH2,
        );
    } else if !is_alnum(value) {
        about.push(
            Severity::Warning,
            "contains characters other than letters and digits, unusual for this key.",
            format!("Compare it with the '{label}' shown in {copy}."),
            chapter,
        );
    } else if value.len() != expected {
        about.push(
            Severity::Warning,
            format!("is {} characters long; current ones are {expected} ({older}).", value.chars().count()),
            format!("If the keys were issued recently, copy the '{label}' again from {copy}: part may be missing."),
            chapter,
        );
    }
}

/// The Access Token: `<user id>-<letters and digits>`, usually 50 long; and whose account it is.
fn access_token_shape(about: &mut About<'_>, value: &str) {
    let (copy, chapter) = (
        where_to_copy(Field::AccessToken),
        chapters::GET_ACCESS_TOKEN,
    );
    let Some(id) = user_id_prefix(value) else {
        about.push(
            Severity::Error,
            "has no `<digits>-` prefix: an Access Token starts with the numeric id of its account, like `1790000000000000001-…`.",
            format!("Copy the 'Access Token' again from {copy}. Did you paste the Access Token Secret, the API Key or the Bearer Token here?"),
            chapter,
        );
        return;
    };
    if !is_alnum(&value[id.len() + 1..]) {
        about.push(
            Severity::Warning,
            "has characters other than letters and digits after its `-`, unusual for an Access Token.",
            format!("Compare it with the 'Access Token' shown in {copy}."),
            chapter,
        );
    } else if value.len() != 50 && !(40..50).contains(&value.len()) {
        about.push(
            Severity::Warning,
            format!(
                "is {} characters long; Access Tokens are usually 50 (some older ones 48).",
                value.len()
            ),
            format!("Copy the 'Access Token' again from {copy}: part may be missing."),
            chapter,
        );
    }
    about.push(
        Severity::Note,
        format!("acts for the X account with user id {id} (the number before the `-`)."),
        "Make sure that is the account your bot should post as; verifying with X shows its @username.",
        chapter,
    );
}

/// The (optional) Bearer Token: long, starting with many `A`s.
fn bearer_shape(about: &mut About<'_>, value: &str) {
    if !looks_like_bearer(value) {
        about.push(
            Severity::Warning,
            "doesn't look like a Bearer Token (they are long and start with many `A`s).",
            format!(
                "Copy the Bearer Token again from {}, or remove X_BEARER_TOKEN: it is optional.",
                where_to_copy(Field::BearerToken)
            ),
            chapter_for(Field::BearerToken),
        );
    }
}
