//! Checks of two values together: a key and its secret swapped, a token in its secret's slot, and the
//! same value pasted into two slots.

use super::shape::{cleaned, is_alnum, looks_like_access_token};
use super::{chapter_for, subject, where_to_copy, Effective, Finding, Severity};
use crate::chapters::{self, Chapter};
use crate::credentials::{Field, FoundValue};

/// Runs the pair checks; returns the fields found in the wrong slot (their shape says nothing more).
pub(super) fn check_pairs(eff: Effective<'_>, out: &mut Vec<Finding>) -> Vec<Field> {
    let mut swapped = Vec::new();
    let get = |f: Field| eff.get(f).map(|v| (v, cleaned(v.expose_value())));

    if let (Some((k, kv)), Some((s, sv))) = (get(Field::ApiKey), get(Field::ApiKeySecret)) {
        if is_alnum(&kv) && is_alnum(&sv) && kv.len() > sv.len() && kv.len() >= 40 && sv.len() <= 30
        {
            swapped.extend([Field::ApiKey, Field::ApiKeySecret]);
            report_swap(
                [k, s],
                "the API Key is the short one (25 characters), the API Key Secret the long one (50).",
                chapters::GET_API_KEY,
                out,
            );
        }
    }
    if let (Some((t, tv)), Some((s, sv))) = (get(Field::AccessToken), get(Field::AccessTokenSecret))
    {
        if !looks_like_access_token(&tv) && looks_like_access_token(&sv) {
            swapped.extend([Field::AccessToken, Field::AccessTokenSecret]);
            report_swap(
                [t, s],
                "the Access Token is the one that starts with your user id and `-`.",
                chapters::GET_ACCESS_TOKEN,
                out,
            );
        } else if looks_like_access_token(&sv) {
            swapped.push(Field::AccessTokenSecret);
            out.push(Finding::new(
                Severity::Error,
                subject(s),
                "looks like an Access Token (it starts with a user id and `-`), not its secret.",
                format!(
                    "Paste the 'Access Token Secret' from {}.",
                    where_to_copy(Field::AccessTokenSecret)
                ),
                chapters::GET_ACCESS_TOKEN,
            ));
        }
    }
    // The same value in two slots: one of them was pasted twice.
    for (i, a) in Field::ALL.iter().enumerate() {
        for b in &Field::ALL[i + 1..] {
            if let (Some((va, ca)), Some((_, cb))) = (get(*a), get(*b)) {
                if !ca.is_empty() && ca == cb {
                    out.push(Finding::new(
                        Severity::Error,
                        subject(va),
                        format!("has the same value as the {}: one of them was pasted twice.", b.label()),
                        format!("Copy each value again from the portal: the {a} and the {b} are different keys."),
                        chapter_for(*a),
                    ));
                }
            }
        }
    }
    swapped
}

/// Reports both values of a swapped pair, each naming the other; `why` says which is which.
fn report_swap(pair: [&FoundValue; 2], why: &str, chapter: Chapter, out: &mut Vec<Finding>) {
    let fix = format!(
        "Swap the values of {} and {}.",
        pair[0].field.env_name(),
        pair[1].field.env_name()
    );
    for (v, other) in [(pair[0], pair[1]), (pair[1], pair[0])] {
        out.push(Finding::new(
            Severity::Error,
            subject(v),
            format!("looks swapped with the {}: {why}", other.field.label()),
            fix.clone(),
            chapter,
        ));
    }
}
