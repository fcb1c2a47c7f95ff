//! The apps, users and access tokens built from the configured accounts, indexed for lookups.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::lock;
use crate::accounts::{mask, AccessLevel, Account};
use crate::keys::snowflake;
use crate::scenario::Scenario;
use crate::SandboxError;

/// An app: consumer key and secret, its current permission, its Bearer Token.
pub(crate) struct App {
    pub(crate) consumer_key: String,
    pub(crate) consumer_secret: String,
    pub(crate) name: String,
    /// The numeric id X puts in `client-not-enrolled` bodies.
    pub(crate) app_id: String,
    /// The permission tokens made now (by the PIN flow) get.
    pub(crate) level: AccessLevel,
    pub(crate) scenario: Scenario,
    pub(crate) owner_user_id: String,
    /// The callback URLs registered for the app, matched exactly (none: a PIN-only app).
    pub(crate) callback_urls: Vec<String>,
    /// (generation, current Bearer Token).
    pub(crate) bearer: Mutex<(u32, String)>,
}

impl App {
    /// The app's current Bearer Token.
    pub(crate) fn bearer_token(&self) -> String {
        lock(&self.bearer).1.clone()
    }
}

/// An access token.
pub(crate) struct Token {
    pub(crate) secret: String,
    pub(crate) consumer_key: String,
    pub(crate) user_id: String,
    /// The permission the token was created with.
    pub(crate) level: AccessLevel,
    pub(crate) scenario: Scenario,
    pub(crate) revoked: bool,
}

/// A user.
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) name: String,
    pub(crate) description: String,
}

/// The accounts, indexed: by consumer key, token, user id, lower-case username, Bearer Token.
#[derive(Default)]
pub(super) struct Index {
    pub(super) apps: HashMap<String, Arc<App>>,
    pub(super) tokens: HashMap<String, Arc<Token>>,
    pub(super) users: HashMap<String, Arc<User>>,
    pub(super) usernames: HashMap<String, String>,
    /// User ids in the order their accounts were configured (the authorize page lists them so).
    pub(super) user_order: Vec<String>,
    /// Bearer Token → consumer key.
    pub(super) bearers: HashMap<String, String>,
}

impl Index {
    /// Indexes `accounts`; accounts may share an app (same key and secret) or a user.
    ///
    /// # Errors
    /// [`SandboxError::ConflictingApp`] or [`SandboxError::DuplicateToken`].
    pub(super) fn build(accounts: &[Account]) -> Result<Index, SandboxError> {
        let mut index = Index::default();
        for a in accounts {
            index.add_app(a)?;
            index.add_token(a)?;
            index.add_user(a);
        }
        Ok(index)
    }

    fn add_app(&mut self, a: &Account) -> Result<(), SandboxError> {
        match self.apps.get(&a.api_key) {
            Some(app) if app.consumer_secret != a.api_key_secret => {
                Err(SandboxError::ConflictingApp(mask(&a.api_key)))
            }
            Some(_) => Ok(()),
            None => {
                let app_id = snowflake(&format!("xkeys-app:{}", a.api_key))[..8].to_string();
                self.bearers
                    .insert(a.bearer_token.clone(), a.api_key.clone());
                self.apps.insert(
                    a.api_key.clone(),
                    Arc::new(App {
                        consumer_key: a.api_key.clone(),
                        consumer_secret: a.api_key_secret.clone(),
                        name: a.app_name.clone(),
                        app_id,
                        level: a.app_access_level,
                        scenario: a.scenario,
                        owner_user_id: a.user_id.clone(),
                        callback_urls: a.callback_urls.clone(),
                        bearer: Mutex::new((0, a.bearer_token.clone())),
                    }),
                );
                Ok(())
            }
        }
    }

    fn add_token(&mut self, a: &Account) -> Result<(), SandboxError> {
        if self.tokens.contains_key(&a.access_token) {
            return Err(SandboxError::DuplicateToken(mask(&a.access_token)));
        }
        self.tokens.insert(
            a.access_token.clone(),
            Arc::new(Token {
                secret: a.access_token_secret.clone(),
                consumer_key: a.api_key.clone(),
                user_id: a.user_id.clone(),
                level: a.access_level,
                scenario: a.scenario,
                revoked: a.scenario == Scenario::Revoked,
            }),
        );
        Ok(())
    }

    fn add_user(&mut self, a: &Account) {
        if self.users.contains_key(&a.user_id) {
            return;
        }
        self.usernames
            .entry(a.username.to_ascii_lowercase())
            .or_insert_with(|| a.user_id.clone());
        self.user_order.push(a.user_id.clone());
        self.users.insert(
            a.user_id.clone(),
            Arc::new(User {
                id: a.user_id.clone(),
                username: a.username.clone(),
                name: a.name.clone(),
                description: a.description.clone(),
            }),
        );
    }
}
