//! The codes and tokens OAuth 2.0 has issued, and what happens to them: exchange, refresh
//! with rotation, revocation, expiry. [`super::Oauth2`] holds them under one lock and passes the
//! time in, so every change here is atomic and every rule testable without a clock.

use std::collections::HashMap;
use std::sync::Arc;

use rand::Rng;

use super::{Access, Client, Consent, Issued, Oauth2Settings, Spent, UserToken};
use super::{ACCESS_LIFETIME, CODE_LIFETIME};
use crate::accounts::Account;
use crate::keys::{oauth2_token, TokenKind, URL_SAFE};
use crate::scenario::Scenario;
use crate::x::oauth2::Scopes;

/// A moment on the sandbox's OAuth 2.0 clock.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    /// Unix seconds.
    pub(super) secs: i64,
    /// Unix milliseconds (the tokens carry them).
    pub(super) ms: i64,
}

/// A fresh X-shaped value: 45 random characters and the issue time.
fn random_token(at: At, kind: TokenKind) -> String {
    let mut rng = rand::thread_rng();
    let random: String = (0..45)
        .map(|_| URL_SAFE[rng.gen_range(0..URL_SAFE.len())] as char)
        .collect();
    oauth2_token(&random, at.ms.max(0) as u64, kind)
}

struct Code {
    consent: Consent,
    expires_at: i64,
    used: bool,
}

struct AccessEntry {
    token: Arc<UserToken>,
    expires_at: i64,
    revoked: bool,
    /// The refresh token issued with it.
    refresh: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshStatus {
    Live,
    Used,
    Revoked,
}

struct RefreshEntry {
    token: Arc<UserToken>,
    expires_at: i64,
    status: RefreshStatus,
    /// The access token issued with it.
    access: String,
    /// The first refresh token of the chain this one was refreshed from.
    family: String,
}

/// Every code and token issued.
#[derive(Default)]
pub(super) struct Tokens {
    codes: HashMap<String, Code>,
    access: HashMap<String, AccessEntry>,
    refresh: HashMap<String, RefreshEntry>,
}

impl Tokens {
    /// Stores a code for `consent`, live for 30 s.
    pub(super) fn issue_code(&mut self, consent: Consent, at: At) -> String {
        let code = random_token(at, TokenKind::Code);
        self.codes.insert(
            code.clone(),
            Code {
                consent,
                expires_at: at.secs + CODE_LIFETIME,
                used: false,
            },
        );
        code
    }

    /// Exchanges a live, unused code of `client` that `check` accepts; spends it.
    pub(super) fn exchange<R>(
        &mut self,
        client: &Client,
        code: &str,
        scenario: Scenario,
        check: impl FnOnce(&Consent) -> Result<(), R>,
        at: At,
        settings: &Oauth2Settings,
    ) -> Result<Issued, Result<Spent, R>> {
        let entry = self
            .codes
            .get_mut(code)
            .filter(|c| c.consent.client_id == client.id)
            .ok_or(Ok(Spent::Unknown))?;
        if entry.used {
            return Err(Ok(Spent::Used));
        }
        if entry.expires_at <= at.secs {
            return Err(Ok(Spent::Expired));
        }
        check(&entry.consent).map_err(Err)?;
        entry.used = true;
        let consent = entry.consent.clone();
        let token = Arc::new(UserToken {
            client_id: client.id.clone(),
            consumer_key: client.consumer_key.clone(),
            user_id: consent.user_id,
            scopes: consent.scopes,
            scenario,
        });
        Ok(self.issue(token, None, at, settings))
    }

    /// What an access token is at `at`.
    pub(super) fn access(&self, token: &str, at: At) -> Access {
        match self.access.get(token) {
            None => Access::Unknown,
            Some(e) if e.revoked => Access::Revoked,
            Some(e) if e.expires_at <= at.secs => Access::Expired(e.expires_at),
            Some(e) => Access::Valid(e.token.clone()),
        }
    }

    /// Spends a live refresh token of `client` for new tokens (narrowed to `scopes` if given).
    pub(super) fn refresh(
        &mut self,
        client: &Client,
        refresh_token: &str,
        scopes: Option<Scopes>,
        scenario: Scenario,
        at: At,
        settings: &Oauth2Settings,
    ) -> Result<Issued, Option<Spent>> {
        let entry = self
            .refresh
            .get(refresh_token)
            .filter(|r| r.token.client_id == client.id)
            .ok_or(Some(Spent::Unknown))?;
        match entry.status {
            RefreshStatus::Revoked => return Err(Some(Spent::Revoked)),
            RefreshStatus::Used => {
                if settings.reuse_revokes_family {
                    let family = entry.family.clone();
                    self.revoke_family(&family);
                }
                return Err(Some(Spent::Used));
            }
            RefreshStatus::Live if entry.expires_at <= at.secs => return Err(Some(Spent::Expired)),
            RefreshStatus::Live => {}
        }
        let scopes = match scopes {
            Some(asked) if !entry.token.scopes.covers(&asked) => return Err(None),
            Some(asked) => asked,
            None => entry.token.scopes.clone(),
        };
        let (family, old_access) = (entry.family.clone(), entry.access.clone());
        let token = Arc::new(UserToken {
            client_id: client.id.clone(),
            consumer_key: client.consumer_key.clone(),
            user_id: entry.token.user_id.clone(),
            scopes,
            scenario,
        });
        if let Some(e) = self.refresh.get_mut(refresh_token) {
            e.status = RefreshStatus::Used;
        }
        if settings.refresh_revokes_access {
            if let Some(a) = self.access.get_mut(&old_access) {
                a.revoked = true;
            }
        }
        Ok(self.issue(token, Some(family), at, settings))
    }

    /// Revokes a token of `client` (see [`super::Oauth2::revoke`]); `whole`: its pair too.
    pub(super) fn revoke(&mut self, client: &Client, token: &str, whole: bool) -> Option<bool> {
        if let Some(e) = self.access.get_mut(token) {
            if e.token.client_id != client.id {
                return None;
            }
            let was_live = !e.revoked;
            e.revoked = true;
            let paired = e.refresh.clone().filter(|_| whole);
            if let Some(r) = paired.and_then(|r| self.refresh.get_mut(&r)) {
                r.status = RefreshStatus::Revoked;
            }
            return Some(was_live);
        }
        if let Some(e) = self.refresh.get_mut(token) {
            if e.token.client_id != client.id {
                return None;
            }
            let was_live = e.status == RefreshStatus::Live;
            e.status = RefreshStatus::Revoked;
            // RFC 7009 §2.1: revoking a refresh token SHOULD revoke the access tokens of its grant.
            let paired = e.access.clone();
            if let Some(a) = self.access.get_mut(&paired) {
                a.revoked = true;
            }
            return Some(was_live);
        }
        Some(false)
    }

    /// Issues an access token (and a refresh token with `offline.access`) for `token`; `family`
    /// is the chain a refresh continues.
    fn issue(
        &mut self,
        token: Arc<UserToken>,
        family: Option<String>,
        at: At,
        settings: &Oauth2Settings,
    ) -> Issued {
        let access = random_token(at, TokenKind::Access);
        let refresh = token
            .scopes
            .contains("offline.access")
            .then(|| random_token(at, TokenKind::Refresh));
        let scopes = token.scopes.clone();
        if let Some(r) = &refresh {
            self.refresh.insert(
                r.clone(),
                RefreshEntry {
                    token: token.clone(),
                    expires_at: at.secs + settings.refresh_lifetime.as_secs() as i64,
                    status: RefreshStatus::Live,
                    access: access.clone(),
                    family: family.unwrap_or_else(|| r.clone()),
                },
            );
        }
        self.access.insert(
            access.clone(),
            AccessEntry {
                token,
                expires_at: at.secs + ACCESS_LIFETIME,
                revoked: false,
                refresh: refresh.clone(),
            },
        );
        Issued {
            access_token: access,
            refresh_token: refresh,
            scopes,
        }
    }

    /// Revokes every token of a refresh chain.
    fn revoke_family(&mut self, family: &str) {
        let mut access = Vec::new();
        for r in self.refresh.values_mut().filter(|r| r.family == family) {
            r.status = RefreshStatus::Revoked;
            access.push(r.access.clone());
        }
        for a in access {
            if let Some(e) = self.access.get_mut(&a) {
                e.revoked = true;
            }
        }
    }

    /// The tokens an account starts with, in the state its scenario says.
    pub(super) fn preissue(
        &mut self,
        a: &Account,
        client_id: String,
        started: i64,
        settings: &Oauth2Settings,
    ) {
        let scenario = a.scenario;
        let token = Arc::new(UserToken {
            client_id,
            consumer_key: a.api_key.clone(),
            user_id: a.user_id.clone(),
            scopes: a.oauth2_scopes(),
            scenario,
        });
        let revoked = scenario == Scenario::Oauth2Revoked;
        let status = match scenario {
            Scenario::Oauth2Revoked => RefreshStatus::Revoked,
            Scenario::Oauth2RefreshReused => RefreshStatus::Used,
            _ => RefreshStatus::Live,
        };
        let refresh = token
            .scopes
            .contains("offline.access")
            .then(|| a.oauth2_refresh_token.clone());
        if let Some(r) = &refresh {
            self.refresh.insert(
                r.clone(),
                RefreshEntry {
                    token: token.clone(),
                    expires_at: started + settings.refresh_lifetime.as_secs() as i64,
                    status,
                    access: a.oauth2_access_token.clone(),
                    family: r.clone(),
                },
            );
        }
        self.access.insert(
            a.oauth2_access_token.clone(),
            AccessEntry {
                token,
                expires_at: a.oauth2_expires_at(started),
                revoked,
                refresh,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::Challenge;
    use super::*;

    const T: At = At {
        secs: 1_800_000_000,
        ms: 1_800_000_000_000,
    };

    fn at(plus: i64) -> At {
        At {
            secs: T.secs + plus,
            ms: T.ms + plus * 1000,
        }
    }

    fn client(id: &str) -> Client {
        Client {
            id: id.into(),
            secret: None,
            consumer_key: "app".into(),
        }
    }

    fn consent(scopes: &str) -> Consent {
        Consent {
            client_id: "c".into(),
            redirect_uri: "http://127.0.0.1:8765/callback".into(),
            scopes: Scopes::parse(scopes).unwrap(),
            challenge: Challenge::Plain("v".into()),
            user_id: "1".into(),
        }
    }

    fn ok(_: &Consent) -> Result<(), ()> {
        Ok(())
    }

    /// Logs in with `scopes` at `T`: the tokens issued.
    fn login(tokens: &mut Tokens, settings: &Oauth2Settings, scopes: &str) -> Issued {
        let code = tokens.issue_code(consent(scopes), T);
        tokens
            .exchange(&client("c"), &code, Scenario::FullAccess, ok, T, settings)
            .unwrap()
    }

    #[test]
    fn a_code_works_once_within_30_seconds_and_for_its_client_only() {
        let (mut tokens, settings) = (Tokens::default(), Oauth2Settings::default());
        let code = tokens.issue_code(consent("tweet.read"), T);
        let other = tokens.exchange(
            &client("d"),
            &code,
            Scenario::FullAccess,
            ok,
            at(1),
            &settings,
        );
        assert_eq!(other.err(), Some(Ok(Spent::Unknown)));
        let refused = tokens.exchange(
            &client("c"),
            &code,
            Scenario::FullAccess,
            |_| Err("no"),
            at(1),
            &settings,
        );
        assert_eq!(
            refused.err(),
            Some(Err("no")),
            "a refused check keeps the code"
        );
        let issued = tokens
            .exchange(
                &client("c"),
                &code,
                Scenario::FullAccess,
                ok,
                at(29),
                &settings,
            )
            .unwrap();
        assert!(
            issued.refresh_token.is_none(),
            "no offline.access, no refresh token"
        );
        assert!(matches!(
            tokens.access(&issued.access_token, at(29)),
            Access::Valid(_)
        ));
        let again = tokens.exchange(
            &client("c"),
            &code,
            Scenario::FullAccess,
            ok,
            at(29),
            &settings,
        );
        assert_eq!(again.err(), Some(Ok(Spent::Used)));
        let late = tokens.issue_code(consent("tweet.read"), T);
        let expired = tokens.exchange(
            &client("c"),
            &late,
            Scenario::FullAccess,
            ok,
            at(30),
            &settings,
        );
        assert_eq!(expired.err(), Some(Ok(Spent::Expired)));
    }

    #[test]
    fn access_tokens_live_two_hours() {
        let (mut tokens, settings) = (Tokens::default(), Oauth2Settings::default());
        let issued = login(&mut tokens, &settings, "tweet.read");
        assert!(matches!(
            tokens.access(&issued.access_token, at(7199)),
            Access::Valid(_)
        ));
        assert!(
            matches!(tokens.access(&issued.access_token, at(7200)), Access::Expired(e) if e == T.secs + 7200)
        );
        assert!(matches!(tokens.access("nope", T), Access::Unknown));
    }

    #[test]
    fn refresh_tokens_rotate_and_only_narrow() {
        let (mut tokens, settings) = (Tokens::default(), Oauth2Settings::default());
        let first = login(
            &mut tokens,
            &settings,
            "tweet.read users.read offline.access",
        );
        let rt = first.refresh_token.clone().unwrap();
        let wider = Scopes::parse("tweet.read dm.write offline.access").ok();
        assert_eq!(
            tokens
                .refresh(
                    &client("c"),
                    &rt,
                    wider,
                    Scenario::FullAccess,
                    at(1),
                    &settings
                )
                .err(),
            Some(None)
        );
        let second = tokens
            .refresh(
                &client("c"),
                &rt,
                None,
                Scenario::FullAccess,
                at(1),
                &settings,
            )
            .unwrap();
        assert_eq!(second.scopes, first.scopes);
        assert!(
            matches!(tokens.access(&first.access_token, at(1)), Access::Valid(_)),
            "the old access token lives on"
        );
        let reused = tokens.refresh(
            &client("c"),
            &rt,
            None,
            Scenario::FullAccess,
            at(2),
            &settings,
        );
        assert_eq!(reused.err(), Some(Some(Spent::Used)));
        assert!(
            matches!(tokens.access(&second.access_token, at(2)), Access::Valid(_)),
            "reuse revokes nothing by default"
        );
        let narrow = Scopes::parse("tweet.read").ok();
        let third = tokens
            .refresh(
                &client("c"),
                second.refresh_token.as_deref().unwrap(),
                narrow,
                Scenario::FullAccess,
                at(3),
                &settings,
            )
            .unwrap();
        assert_eq!(third.scopes.to_string(), "tweet.read");
        assert!(
            third.refresh_token.is_none(),
            "narrowed without offline.access: the grant ends"
        );
        let expired = login(&mut tokens, &settings, "tweet.read offline.access")
            .refresh_token
            .unwrap();
        let six_months = settings.refresh_lifetime.as_secs() as i64;
        let late = tokens.refresh(
            &client("c"),
            &expired,
            None,
            Scenario::FullAccess,
            at(six_months),
            &settings,
        );
        assert_eq!(late.err(), Some(Some(Spent::Expired)));
    }

    #[test]
    fn the_unconfirmed_rules_follow_the_settings() {
        let settings = Oauth2Settings {
            reuse_revokes_family: true,
            refresh_revokes_access: true,
            ..Oauth2Settings::default()
        };
        let mut tokens = Tokens::default();
        let first = login(&mut tokens, &settings, "tweet.read offline.access");
        let rt = first.refresh_token.clone().unwrap();
        let second = tokens
            .refresh(
                &client("c"),
                &rt,
                None,
                Scenario::FullAccess,
                at(1),
                &settings,
            )
            .unwrap();
        assert!(matches!(
            tokens.access(&first.access_token, at(1)),
            Access::Revoked
        ));
        assert!(tokens
            .refresh(
                &client("c"),
                &rt,
                None,
                Scenario::FullAccess,
                at(2),
                &settings
            )
            .is_err());
        assert!(
            matches!(tokens.access(&second.access_token, at(2)), Access::Revoked),
            "the family is revoked"
        );
        let newest = second.refresh_token.unwrap();
        let after = tokens.refresh(
            &client("c"),
            &newest,
            None,
            Scenario::FullAccess,
            at(2),
            &settings,
        );
        assert_eq!(after.err(), Some(Some(Spent::Revoked)));
    }

    #[test]
    fn revoking_a_refresh_token_kills_its_access_token_and_not_the_reverse() {
        let (mut tokens, settings) = (Tokens::default(), Oauth2Settings::default());
        let a = login(&mut tokens, &settings, "tweet.read offline.access");
        assert_eq!(
            tokens.revoke(&client("d"), &a.access_token, false),
            None,
            "another client's"
        );
        assert_eq!(
            tokens.revoke(&client("c"), &a.access_token, false),
            Some(true)
        );
        assert_eq!(
            tokens.revoke(&client("c"), &a.access_token, false),
            Some(false)
        );
        let rt = a.refresh_token.unwrap();
        assert!(tokens
            .refresh(&client("c"), &rt, None, Scenario::FullAccess, T, &settings)
            .is_ok());
        let b = login(&mut tokens, &settings, "tweet.read offline.access");
        assert_eq!(
            tokens.revoke(&client("c"), b.refresh_token.as_deref().unwrap(), false),
            Some(true)
        );
        assert!(matches!(tokens.access(&b.access_token, T), Access::Revoked));
        let c = login(&mut tokens, &settings, "tweet.read offline.access");
        assert_eq!(
            tokens.revoke(&client("c"), &c.access_token, true),
            Some(true)
        );
        let rt = c.refresh_token.unwrap();
        let whole = tokens.refresh(&client("c"), &rt, None, Scenario::FullAccess, T, &settings);
        assert_eq!(whole.err(), Some(Some(Spent::Revoked)));
        assert_eq!(tokens.revoke(&client("c"), "unknown", false), Some(false));
    }

    #[test]
    fn the_scenarios_preissue_their_tokens_in_their_state() {
        let settings = Oauth2Settings::default();
        for scenario in Scenario::ALL.iter().copied() {
            let mut tokens = Tokens::default();
            let account = Account::demo(scenario);
            tokens.preissue(&account, account.client_id.clone(), T.secs, &settings);
            let mut c = client(&account.client_id);
            c.consumer_key = account.api_key.clone();
            let access = tokens.access(&account.oauth2_access_token, T);
            let refreshed = tokens.refresh(
                &c,
                &account.oauth2_refresh_token,
                None,
                Scenario::FullAccess,
                T,
                &settings,
            );
            match scenario {
                Scenario::Oauth2Expired => {
                    assert!(matches!(access, Access::Expired(_)));
                    assert!(refreshed.is_ok());
                }
                Scenario::Oauth2Revoked => {
                    assert!(matches!(access, Access::Revoked));
                    assert_eq!(refreshed.err(), Some(Some(Spent::Revoked)));
                }
                Scenario::Oauth2RefreshReused => {
                    assert!(matches!(access, Access::Valid(_)));
                    assert_eq!(refreshed.err(), Some(Some(Spent::Used)));
                }
                _ => {
                    let Access::Valid(t) = access else {
                        panic!("{scenario}: the demo token works")
                    };
                    assert_eq!(t.scenario, scenario);
                    assert_eq!(
                        t.scopes.contains("tweet.write"),
                        scenario != Scenario::Oauth2MissingScope
                    );
                    assert!(refreshed.is_ok(), "{scenario}");
                }
            }
        }
    }
}
