//! The PIN flow: an Access Token and Secret for any account, not only the app owner's (OAuth 1.0a
//! 3-legged with `oauth_callback=oob`, <https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth>).
//! Chapter "Get tokens for a bot account".
//!
//! 1. [`PinFlow::request_token`]: `POST /oauth/request_token`, signed with the API Key and Secret only.
//! 2. The account's owner opens [`PinFlow::authorize_url`], approves the app and gets a PIN.
//! 3. [`PinFlow::access_token`]: `POST /oauth/access_token` with the PIN as `oauth_verifier`, signed
//!    with the request token too; X answers with the account's Access Token and Secret.
//!
//! Signing is reqwest-oauth1's. Answers are read here and never shown: X's token responses hold
//! secrets, so a failure is described by its status and X's error code only (reqwest-oauth1's own
//! `parse_oauth_token` error would embed the whole body).

use std::fmt;
use std::str::FromStr;

use reqwest::{Method, Url};
use reqwest_oauth1::{OAuthClientProvider, OAuthParameters, Secrets};
use secrecy::{ExposeSecret, SecretString};

use crate::api_error::{ApiFailure, Call};
use crate::client::{self, endpoint, ClientConfig, ClientError};
use crate::credentials::{mask, AccessToken, AccessTokenSecret, ApiKey, ApiKeySecret};

/// `POST /oauth/request_token`.
pub const REQUEST_TOKEN: &str = "/oauth/request_token";
/// `GET /oauth/authorize?oauth_token=…`: the page where the account's owner approves the app. Desktop
/// (PIN) apps must use it rather than `/oauth/authenticate`, which skips the approval.
pub const AUTHORIZE: &str = "/oauth/authorize";
/// `POST /oauth/access_token`.
pub const ACCESS_TOKEN: &str = "/oauth/access_token";

/// `x_auth_access_type`: asks for less than the app's permission (never more; there is no DM value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessType {
    /// `read`: a token that can only read.
    Read,
    /// `write`: read and write, without Direct Messages.
    Write,
}

impl AccessType {
    /// The value sent as `x_auth_access_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessType::Read => "read",
            AccessType::Write => "write",
        }
    }
}

/// An `--access-type` that is not `read` or `write`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an access type: use read, or write (read and write, without Direct Messages)"
)]
pub struct UnknownAccessType(pub String);

impl FromStr for AccessType {
    type Err = UnknownAccessType;

    /// `read` or `write`, as sent in `x_auth_access_type`.
    fn from_str(name: &str) -> Result<AccessType, UnknownAccessType> {
        match name {
            "read" => Ok(AccessType::Read),
            "write" => Ok(AccessType::Write),
            _ => Err(UnknownAccessType(name.to_string())),
        }
    }
}

impl fmt::Display for AccessType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The temporary request token of step 1. `Debug` masks the token and hides the secret.
#[derive(Clone)]
pub struct RequestToken {
    token: String,
    secret: SecretString,
}

impl RequestToken {
    /// The request token (it goes into the authorize URL; it is not a secret, but short-lived).
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for RequestToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestToken")
            .field("token", &mask(&self.token))
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// The PIN X shows after the account's owner approves the app: digits only, single-use.
#[derive(Clone)]
pub struct Pin(SecretString);

/// Why a typed PIN can't be right. The message never repeats what was typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// Nothing was typed.
    #[error("no PIN was entered: type the digits X shows after you click 'Authorize app' (see \"Get tokens for a bot account\", book/tokens-for-a-bot-account.md)")]
    Empty,
    /// Something other than digits.
    #[error("the PIN must be digits only (X shows 7, e.g. 0123456), but what was entered has {}: type just the digits", crate::words::counted(*.0 as u64, "other character"))]
    NotDigits(usize),
    /// Too few or too many digits to be a PIN.
    #[error("the PIN has {0} digits, but X's PINs have 7: type the number X shows after 'Authorize app'")]
    Length(usize),
}

impl Pin {
    /// Reads a PIN as typed: surrounding whitespace is ignored; digits only, 4 to 12 of them (X shows 7).
    ///
    /// # Errors
    /// [`PinError`] saying what is wrong, never echoing the input.
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        let pin = input.trim();
        if pin.is_empty() {
            return Err(PinError::Empty);
        }
        let other = pin.chars().filter(|c| !c.is_ascii_digit()).count();
        if other > 0 {
            return Err(PinError::NotDigits(other));
        }
        if !(4..=12).contains(&pin.len()) {
            return Err(PinError::Length(pin.len()));
        }
        Ok(Pin(SecretString::from(pin.to_string())))
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin([REDACTED])")
    }
}

/// What step 3 gives: the account's Access Token and Secret, and who the account is.
#[derive(Clone, Debug)]
pub struct AccessGrant {
    /// The Access Token (`<user id>-…`).
    pub access_token: AccessToken,
    /// The Access Token Secret.
    pub access_token_secret: AccessTokenSecret,
    /// The account's numeric id.
    pub user_id: String,
    /// The account's username, without `@`.
    pub screen_name: String,
}

/// The PIN flow for one app (API Key and Secret) against one base URL.
pub struct PinFlow {
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
    api_key: ApiKey,
    api_key_secret: ApiKeySecret,
}

impl fmt::Debug for PinFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinFlow")
            .field("base", &self.base.as_str())
            .field("api_key", &self.api_key)
            .field("api_key_secret", &self.api_key_secret)
            .finish()
    }
}

impl PinFlow {
    /// A flow for this app, with the client's timeouts and HTTPS rules.
    ///
    /// # Errors
    /// An invalid or insecure base URL.
    ///
    /// # Security
    /// The API Key Secret is used only to sign; it never appears in errors or `Debug`.
    pub fn new(
        api_key: ApiKey,
        api_key_secret: ApiKeySecret,
        config: ClientConfig,
    ) -> Result<Self, ClientError> {
        let (http, base) = client::http_client(&config)?;
        Ok(Self {
            http,
            base,
            config,
            api_key,
            api_key_secret,
        })
    }

    /// The base URL, e.g. `https://api.x.com`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Step 1: `POST /oauth/request_token` with `oauth_callback=oob` (and `x_auth_access_type` when
    /// given), signed with the API Key and Secret only.
    ///
    /// # Errors
    /// [`ApiFailure`]: typically a 401 (the API Key and Secret are wrong) or code 415 (no callback URL
    /// configured); never retried.
    pub async fn request_token(
        &self,
        access: Option<AccessType>,
    ) -> Result<RequestToken, ApiFailure> {
        let form: Vec<(&str, &str)> = access
            .map(|a| vec![("x_auth_access_type", a.as_str())])
            .unwrap_or_default();
        let params = OAuthParameters::new().callback("oob");
        let fields = self
            .post(REQUEST_TOKEN, None, params, &form, Call::RequestToken)
            .await?;
        let request = format!("POST {}", endpoint(self.base.as_str(), REQUEST_TOKEN));
        match (
            fields.get("oauth_token"),
            fields.get("oauth_token_secret"),
            fields.get("oauth_callback_confirmed").map(String::as_str),
        ) {
            (Some(token), Some(secret), Some("true")) if !token.is_empty() => Ok(RequestToken {
                token: token.clone(),
                secret: SecretString::from(secret.clone()),
            }),
            _ => Err(ApiFailure::unexpected(
                request,
                200,
                "a 200 answer without oauth_token, oauth_token_secret and oauth_callback_confirmed=true",
            )),
        }
    }

    /// Step 2: the URL where the account's owner, logged in to x.com as that account, approves the app.
    pub fn authorize_url(&self, token: &RequestToken) -> String {
        let mut url = client::join(&self.base, AUTHORIZE).unwrap_or_else(|_| self.base.clone());
        url.query_pairs_mut()
            .append_pair("oauth_token", &token.token);
        url.to_string()
    }

    /// Step 3: `POST /oauth/access_token` with the PIN as `oauth_verifier`, signed with the request token.
    ///
    /// # Errors
    /// [`ApiFailure`]: typically a 401 (the PIN is wrong, used or expired); never retried.
    ///
    /// # Security
    /// The answer holds the new Access Token Secret: it is only returned, never shown.
    pub async fn access_token(
        &self,
        token: &RequestToken,
        pin: &Pin,
    ) -> Result<AccessGrant, ApiFailure> {
        let params = OAuthParameters::new().verifier(pin.0.expose_secret());
        let fields = self
            .post(ACCESS_TOKEN, Some(token), params, &[], Call::AccessToken)
            .await?;
        let get = |name: &str| fields.get(name).filter(|v| !v.is_empty()).cloned();
        match (
            get("oauth_token"),
            get("oauth_token_secret"),
            get("user_id"),
            get("screen_name"),
        ) {
            (Some(t), Some(s), Some(user_id), Some(screen_name)) => Ok(AccessGrant {
                access_token: AccessToken::new(t),
                access_token_secret: AccessTokenSecret::new(s),
                user_id,
                screen_name,
            }),
            _ => Err(ApiFailure::unexpected(
                format!("POST {}", endpoint(self.base.as_str(), ACCESS_TOKEN)),
                200,
                "a 200 answer without oauth_token, oauth_token_secret, user_id and screen_name",
            )),
        }
    }

    /// Signs and sends a POST, and reads a form-encoded success answer. The parameters go in the form
    /// body only: reqwest-oauth1 0.3 signs only the query of a POST that has both.
    async fn post(
        &self,
        path: &str,
        token: Option<&RequestToken>,
        params: OAuthParameters<'_, reqwest_oauth1::DefaultSM>,
        form: &[(&str, &str)],
        call: Call,
    ) -> Result<std::collections::HashMap<String, String>, ApiFailure> {
        let request_name = format!("POST {}", endpoint(self.base.as_str(), path));
        let failed = |e: &ClientError| ApiFailure::from_client_error(request_name.clone(), e);
        let url = client::join(&self.base, path).map_err(|e| failed(&e))?;
        let secrets = Secrets::new(self.api_key.as_str(), self.api_key_secret.expose_secret());
        let secrets = match token {
            Some(t) => secrets.token(t.token.as_str(), t.secret.expose_secret()),
            None => secrets,
        };
        let builder = self
            .http
            .clone()
            .oauth1_with_params(secrets, params)
            .request(Method::POST, url.clone());
        let builder = if form.is_empty() {
            builder
        } else {
            builder.form(&form)
        };
        let request = client::sign(builder).map_err(|e| failed(&e))?;
        let timeout = self.config.timeout_value();
        let response = client::execute(&self.http, request, &url, 1, timeout)
            .await
            .map_err(|e| failed(&e))?;
        if !response.is_success() {
            return Err(ApiFailure::from_response(request_name, &response, call));
        }
        Ok(url::form_urlencoded::parse(response.body().as_bytes())
            .into_owned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_digits_and_errors_never_echo_the_input() {
        assert!(Pin::parse(" 0123456\n").is_ok());
        assert_eq!(Pin::parse("  ").unwrap_err(), PinError::Empty);
        let err = Pin::parse("12a4567").unwrap_err();
        assert_eq!(err, PinError::NotDigits(1));
        assert!(
            err.to_string().contains("has 1 other character: type"),
            "{err}"
        );
        assert!(!err.to_string().contains("12a4567"));
        assert_eq!(Pin::parse("123").unwrap_err(), PinError::Length(3));
        assert_eq!(
            format!("{:?}", Pin::parse("1234567").unwrap()),
            "Pin([REDACTED])"
        );
    }

    #[test]
    fn debug_hides_the_secrets() {
        let rt = RequestToken {
            token: "Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik".into(),
            secret: SecretString::from("Kd75W4OQfb2oJTV0vzGzeXftVAwgMnEK9MumzYcM".to_string()),
        };
        assert_eq!(
            format!("{rt:?}"),
            // 42 characters: not a public id's shape, so `mask` shows only the length.
            "RequestToken { token: \"(42 characters, hidden)\", secret: \"[REDACTED]\" }"
        );
        let flow = PinFlow::new(
            ApiKey::new("Xa1bC2dE3fG4hI5jK6lM7nO8p"),
            ApiKeySecret::new("Zq9wE8rT7yU6iO5pA4sD3fG2hJ1kL0zX9cV8bN7mQ6wE5rT4yU"),
            ClientConfig::default(),
        )
        .unwrap();
        let shown = format!("{flow:?}");
        assert!(!shown.contains("Zq9wE8rT"), "{shown}");
        assert_eq!(
            flow.authorize_url(&rt),
            "https://api.x.com/oauth/authorize?oauth_token=Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik"
        );
    }

    #[test]
    fn access_types_parse() {
        assert_eq!("write".parse(), Ok(AccessType::Write));
        let err = "dm".parse::<AccessType>().unwrap_err();
        assert!(
            err.to_string().starts_with("\"dm\" is not an access type"),
            "{err}"
        );
        assert_eq!(AccessType::Read.to_string(), "read");
    }
}
