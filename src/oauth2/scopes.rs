//! OAuth 2.0 scopes: which ones X has, what each allows, and which ones a call needs.
//!
//! The scopes and their meanings are X's table in
//! <https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code>; the scopes each
//! endpoint needs come from the `security` of X's OpenAPI spec (<https://api.x.com/2/openapi.json>).
//! X has no introspection endpoint: the `scope` of the token response is the only record of what a
//! token may do, which is why it is saved next to the token (`X_OAUTH2_SCOPES`).

use std::fmt;

/// X's scopes with their meanings, as in X's docs.
pub const KNOWN: &[(&str, &str)] = &[
    ("tweet.read", "All the Tweets you can view, including Tweets from protected accounts."),
    ("tweet.write", "Tweet and Retweet for you."),
    ("tweet.moderate.write", "Hide and unhide replies to your Tweets."),
    ("users.email", "Email from an authenticated user."),
    ("users.read", "Any account you can view, including protected accounts."),
    ("follows.read", "People who follow you and people who you follow."),
    ("follows.write", "Follow and unfollow people for you."),
    ("offline.access", "Stay connected to your account until you revoke access."),
    ("space.read", "All the Spaces you can view."),
    ("mute.read", "Accounts you’ve muted."),
    ("mute.write", "Mute and unmute accounts for you."),
    ("like.read", "Tweets you’ve liked and likes you can view."),
    ("like.write", "Like and un-like Tweets for you."),
    ("list.read", "Lists, list members, and list followers of lists you’ve created or are a member of, including private lists."),
    ("list.write", "Create and manage Lists for you."),
    ("block.read", "Accounts you’ve blocked."),
    ("block.write", "Block and unblock accounts for you."),
    ("bookmark.read", "Get Bookmarked Tweets from an authenticated user."),
    ("bookmark.write", "Bookmark and remove Bookmarks from Tweets."),
    ("dm.read", "All the Direct Messages you can view, including Direct Messages from protected accounts."),
    ("dm.write", "Send and manage Direct Messages for you."),
    ("media.write", "Upload media."),
    // In X's OpenAPI spec but not in the docs' table, which gives them no meaning.
    ("broadcast.read", "(listed in X's OpenAPI spec; the docs give no meaning)"),
    ("broadcast.write", "(listed in X's OpenAPI spec; the docs give no meaning)"),
    ("timeline.read", "(listed in X's OpenAPI spec; the docs give no meaning)"),
];

/// What a bot asks for by default: post, send DMs, see who it is, and refresh without a browser.
pub const FOR_A_BOT: &str = "tweet.read tweet.write users.read dm.write offline.access";

/// Something a bot does with its token, and the scopes X's OpenAPI spec asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `GET /2/users/me`: who the token acts for.
    WhoAmI,
    /// `POST /2/tweets` (and `DELETE /2/tweets/:id`).
    Post,
    /// `POST /2/dm_conversations/with/:participant_id/messages`.
    SendDm,
    /// `GET /2/dm_events`.
    ReadDms,
    /// `POST /2/media/upload`.
    UploadMedia,
    /// Get a new access token without a browser: needs a refresh token, which needs `offline.access`.
    Refresh,
}

impl Action {
    /// Every action, in the order above.
    pub const ALL: [Action; 6] = [
        Action::WhoAmI,
        Action::Post,
        Action::SendDm,
        Action::ReadDms,
        Action::UploadMedia,
        Action::Refresh,
    ];

    /// The scopes the call needs (all of them).
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            Action::WhoAmI => &["tweet.read", "users.read"],
            Action::Post => &["tweet.read", "tweet.write", "users.read"],
            Action::SendDm => &["tweet.read", "dm.write", "users.read"],
            Action::ReadDms => &["tweet.read", "dm.read", "users.read"],
            Action::UploadMedia => &["media.write"],
            Action::Refresh => &["offline.access"],
        }
    }

    /// In words, e.g. "post".
    pub fn describe(self) -> &'static str {
        match self {
            Action::WhoAmI => "read who it is (GET /2/users/me)",
            Action::Post => "post (POST /2/tweets)",
            Action::SendDm => "send Direct Messages",
            Action::ReadDms => "read Direct Messages",
            Action::UploadMedia => "upload media",
            Action::Refresh => "be refreshed without a browser",
        }
    }
}

/// A set of scopes, in the order first given, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

/// A scope asked for that X doesn't have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// A word that is not one of X's scopes (most often a typo).
    #[error("{0:?} is not one of X's OAuth 2.0 scopes. X's scopes are: {list}", list = known_names().join(", "))]
    Unknown(String),
    /// No scope at all.
    #[error("no scopes given: name at least one, e.g. --scopes \"{FOR_A_BOT}\"")]
    Empty,
}

fn known_names() -> Vec<&'static str> {
    KNOWN.iter().map(|(name, _)| *name).collect()
}

impl Scopes {
    /// Scopes asked for, separated by spaces, commas or `+`; each must be one of X's ([`KNOWN`]).
    ///
    /// # Errors
    /// [`ScopeError::Unknown`] for the first word that isn't a scope, [`ScopeError::Empty`] for none.
    pub fn parse(text: &str) -> Result<Scopes, ScopeError> {
        let scopes = Scopes::granted(text);
        if let Some(bad) = scopes.0.iter().find(|s| meaning(s).is_none()) {
            return Err(ScopeError::Unknown(bad.clone()));
        }
        if scopes.0.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(scopes)
    }

    /// What X granted: the `scope` of a token response (space-separated), kept as X sent it, unknown
    /// words included (X may add scopes before this list knows them).
    pub fn granted(text: &str) -> Scopes {
        let mut scopes: Vec<String> = Vec::new();
        for word in text.split([' ', ',', '+', '\t']).filter(|w| !w.is_empty()) {
            if !scopes.iter().any(|s| s == word) {
                scopes.push(word.to_string());
            }
        }
        Scopes(scopes)
    }

    /// The scopes a bot asks for by default ([`FOR_A_BOT`]).
    pub fn for_a_bot() -> Scopes {
        Scopes::granted(FOR_A_BOT)
    }

    /// Whether this scope is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// The scopes `action` needs that are not in the set.
    pub fn missing_for(&self, action: Action) -> Vec<&'static str> {
        action
            .needs()
            .iter()
            .copied()
            .filter(|s| !self.contains(s))
            .collect()
    }

    /// The scopes of this set that `other` lacks (e.g. asked for but not granted).
    pub fn not_in(&self, other: &Scopes) -> Vec<&str> {
        self.iter().filter(|s| !other.contains(s)).collect()
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The set with `more` added (at the end, without repeats).
    pub fn with(mut self, more: &[&str]) -> Scopes {
        for scope in more {
            if !self.contains(scope) {
                self.0.push(scope.to_string());
            }
        }
        self
    }
}

impl fmt::Display for Scopes {
    /// Space-separated, as X's token response and `X_OAUTH2_SCOPES` write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl std::str::FromStr for Scopes {
    type Err = ScopeError;

    /// As [`Scopes::parse`].
    fn from_str(text: &str) -> Result<Scopes, ScopeError> {
        Scopes::parse(text)
    }
}

/// X's words for a scope, if it is one of X's.
pub fn meaning(scope: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(name, _)| *name == scope)
        .map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_takes_spaces_commas_and_plus_and_refuses_typos() {
        let s = Scopes::parse("tweet.read, users.read+tweet.write  tweet.read").unwrap();
        assert_eq!(s.to_string(), "tweet.read users.read tweet.write");
        let err = Scopes::parse("tweet.read tweets.write").unwrap_err();
        assert_eq!(err, ScopeError::Unknown("tweets.write".into()));
        assert!(err.to_string().contains("dm.write"), "{err}");
        assert_eq!(Scopes::parse(" ").unwrap_err(), ScopeError::Empty);
    }

    #[test]
    fn granted_keeps_what_x_sent_and_missing_names_what_an_action_lacks() {
        // X answers in its own order (twitter-api-typescript-sdk#71).
        let s = Scopes::granted("tweet.write users.read tweet.read offline.access future.scope");
        assert!(s.contains("future.scope"));
        assert!(s.missing_for(Action::Post).is_empty());
        assert_eq!(s.missing_for(Action::SendDm), ["dm.write"]);
        let bot = Scopes::for_a_bot();
        for action in [
            Action::WhoAmI,
            Action::Post,
            Action::SendDm,
            Action::Refresh,
        ] {
            assert!(bot.missing_for(action).is_empty(), "{action:?}");
        }
        assert_eq!(bot.missing_for(Action::UploadMedia), ["media.write"]);
        assert_eq!(bot.not_in(&s), ["dm.write"]);
        assert_eq!(
            Scopes::granted("tweet.read")
                .with(&["users.read", "tweet.read"])
                .to_string(),
            "tweet.read users.read"
        );
    }

    #[test]
    fn every_scope_an_action_needs_is_known() {
        assert_eq!(KNOWN.len(), 25);
        for action in Action::ALL {
            for scope in action.needs() {
                assert!(meaning(scope).is_some(), "{scope}");
            }
        }
        assert_eq!(meaning("tweet.write"), Some("Tweet and Retweet for you."));
    }
}
