//! What the flows issue while the sandbox runs: request tokens and their PINs, access tokens,
//! fresh Bearer Tokens, and posts. Each change happens under one lock, so two requests never
//! redeem the same PIN or post the same text twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rand::distributions::Alphanumeric;
use rand::Rng;

use super::{lock, write_lock, App, Shared, Token};
use crate::accounts::AccessLevel;
use crate::keys::bearer;
use crate::scenario::Scenario;

/// A request token of the PIN flow (or of a web app's callback flow).
pub(super) struct RequestToken {
    consumer_key: String,
    secret: String,
    level: AccessLevel,
    /// The registered callback URL it was asked with; `None` for `oob` (a PIN).
    callback: Option<String>,
    /// (verifier, user id) once a user approved it: the PIN for `oob`.
    approved: Option<(String, String)>,
}

/// What approving a request token gives: the verifier, the app's name, and where to send the
/// user (`None`: show the verifier as a PIN).
pub(crate) struct Approved {
    /// The `oauth_verifier`: a 7-digit PIN for `oob`, else a random string.
    pub(crate) verifier: String,
    /// The app's name, for the page.
    pub(crate) app_name: String,
    /// The callback URL to send the user back to.
    pub(crate) callback: Option<String>,
}

/// Posts, for deletes and duplicate detection.
#[derive(Default)]
pub(super) struct Posts {
    /// Post id → (author id, text).
    by_id: HashMap<String, (String, String)>,
    /// (author id, text) of every live post.
    texts: HashSet<(String, String)>,
}

/// Why a request token can't be exchanged for an access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unredeemable {
    /// Unknown, already used, or cancelled.
    Unknown,
    /// No user approved it yet.
    NotApproved,
    /// No `oauth_verifier` was sent.
    NoVerifier,
    /// The `oauth_verifier` is not the PIN.
    WrongVerifier,
}

/// What deleting a post did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Deleted {
    /// No post has this id.
    Missing,
    /// The post belongs to someone else.
    NotYours,
    /// The post is gone.
    Done,
}

fn random_alnum(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

impl Shared {
    /// Issues a request token for the app, for a PIN (`callback` `None`) or a registered
    /// callback URL: (token, secret).
    pub(crate) fn issue_request_token(
        &self,
        consumer_key: &str,
        level: AccessLevel,
        callback: Option<String>,
    ) -> (String, String) {
        let token = random_alnum(27);
        let secret = random_alnum(32);
        lock(&self.request_tokens).insert(
            token.clone(),
            RequestToken {
                consumer_key: consumer_key.to_string(),
                secret: secret.clone(),
                level,
                callback,
                approved: None,
            },
        );
        (token, secret)
    }

    /// The secret of a request token, if it was issued to this app.
    pub(crate) fn request_token_secret(&self, token: &str, consumer_key: &str) -> Option<String> {
        lock(&self.request_tokens)
            .get(token)
            .filter(|rt| rt.consumer_key == consumer_key)
            .map(|rt| rt.secret.clone())
    }

    /// The app (consumer key) and permission a live request token asks for.
    pub(crate) fn pending(&self, token: &str) -> Option<(String, AccessLevel)> {
        lock(&self.request_tokens)
            .get(token)
            .map(|rt| (rt.consumer_key.clone(), rt.level))
    }

    /// Drops a request token the user declined; false if it was not live.
    pub(crate) fn decline(&self, token: &str) -> bool {
        lock(&self.request_tokens).remove(token).is_some()
    }

    /// Records that `user_id` approved the request token with a fresh single-use verifier (a
    /// 7-digit PIN for `oob`), or `None` if the token is not live.
    pub(crate) fn approve(&self, token: &str, user_id: String) -> Option<Approved> {
        let mut tokens = lock(&self.request_tokens);
        let rt = tokens.get_mut(token)?;
        let verifier = match rt.callback {
            None => format!("{:07}", rand::thread_rng().gen_range(0..10_000_000u32)),
            Some(_) => random_alnum(32),
        };
        rt.approved = Some((verifier.clone(), user_id));
        Some(Approved {
            verifier,
            app_name: self.app_name(&rt.consumer_key),
            callback: rt.callback.clone(),
        })
    }

    /// Exchanges an approved request token and its PIN: (user id, permission). The request token
    /// goes away with its PIN: PINs are single-use
    /// (<https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth>).
    ///
    /// # Errors
    /// Why the token can't be redeemed; it stays live unless it was redeemed.
    pub(crate) fn redeem(
        &self,
        token: &str,
        verifier: Option<&str>,
    ) -> Result<(String, AccessLevel), Unredeemable> {
        let mut tokens = lock(&self.request_tokens);
        let rt = tokens.get(token).ok_or(Unredeemable::Unknown)?;
        let (pin, user_id) = rt.approved.clone().ok_or(Unredeemable::NotApproved)?;
        match verifier {
            None => return Err(Unredeemable::NoVerifier),
            Some(given) if given != pin => return Err(Unredeemable::WrongVerifier),
            Some(_) => {}
        }
        let level = rt.level;
        tokens.remove(token);
        Ok((user_id, level))
    }

    /// Issues an access token of `app` for `user_id`: (token, secret), shaped like X's.
    pub(crate) fn issue_access_token(
        &self,
        app: &App,
        user_id: &str,
        level: AccessLevel,
    ) -> (String, String) {
        // A new token behaves like its app's account, minus what belonged to the old token.
        let scenario = match app.scenario {
            Scenario::ReadOnly | Scenario::ReadWrite | Scenario::Revoked => Scenario::FullAccess,
            s => s,
        };
        let token = format!(
            "{user_id}-{}",
            random_alnum(49usize.saturating_sub(user_id.len()).max(20))
        );
        let secret = random_alnum(45);
        write_lock(&self.tokens).insert(
            token.clone(),
            Arc::new(Token {
                secret: secret.clone(),
                consumer_key: app.consumer_key.clone(),
                user_id: user_id.to_string(),
                level,
                scenario,
                revoked: false,
            }),
        );
        (token, secret)
    }

    /// Revokes an access token; returns its value, or `None` if it is no longer served.
    pub(crate) fn revoke(&self, token: &Arc<Token>) -> Option<String> {
        let mut tokens = write_lock(&self.tokens);
        let id = tokens
            .iter()
            .find(|(_, t)| Arc::ptr_eq(t, token))
            .map(|(id, _)| id.clone())?;
        tokens.insert(
            id.clone(),
            Arc::new(Token {
                secret: token.secret.clone(),
                consumer_key: token.consumer_key.clone(),
                user_id: token.user_id.clone(),
                level: token.level,
                scenario: token.scenario,
                revoked: true,
            }),
        );
        Some(id)
    }

    /// Invalidates the app's Bearer Token if `given` is the current one, and makes the next;
    /// returns the invalidated token.
    pub(crate) fn rotate_bearer(&self, app: &App, given: &str) -> Option<String> {
        let mut current = lock(&app.bearer);
        if given != current.1 {
            return None;
        }
        let generation = current.0 + 1;
        let fresh = bearer(&format!(
            "xkeys-bearer:{}:{generation}",
            app.consumer_secret
        ));
        let mut bearers = write_lock(&self.bearers);
        bearers.remove(&current.1);
        bearers.insert(fresh.clone(), app.consumer_key.clone());
        Some(std::mem::replace(&mut *current, (generation, fresh)).1)
    }

    /// Records a post of `user_id`: its fresh id, or `None` if this user already posted this text.
    pub(crate) fn post(&self, user_id: &str, text: &str) -> Option<String> {
        // The id is taken first, so a refused duplicate uses one up, as it always has.
        let id = self.next_id();
        let mut posts = lock(&self.posts);
        // A post without text (media or a poll only) is never a duplicate.
        if !text.is_empty() && !posts.texts.insert((user_id.to_string(), text.to_string())) {
            return None;
        }
        posts
            .by_id
            .insert(id.clone(), (user_id.to_string(), text.to_string()));
        Some(id)
    }

    /// Deletes the post `id` if `user_id` wrote it.
    pub(crate) fn delete_post(&self, id: &str, user_id: &str) -> Deleted {
        let mut posts = lock(&self.posts);
        match posts.by_id.get(id).cloned() {
            None => Deleted::Missing,
            Some((author, _)) if author != user_id => Deleted::NotYours,
            Some((author, text)) => {
                posts.by_id.remove(id);
                posts.texts.remove(&(author, text));
                Deleted::Done
            }
        }
    }
}
