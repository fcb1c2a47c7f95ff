//! The engine of `verify_many`: every row verified through one shared connection pool, at most
//! `concurrency` requests at a time, each user's rate limit waited out (bounded), and exactly one
//! [`Outcome`] per row handed on in input order through a bounded reorder window.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::input::{AccountRow, Entry, InputError};
use super::output::{Outcome, Summary};
use crate::account::Need;
use crate::api_error::{self, Problem, ProblemKind};
use crate::check::{self, Finding, Severity};
use crate::client::{http_client, ClientConfig, ClientError, XClient};
use crate::credentials::{ApiKey, ApiKeySecret, Credentials, Field, LoadedKeys};
use crate::verify::verify;

/// How to verify: concurrency, what the tokens are needed for, rate-limit waits.
#[derive(Clone, Debug)]
pub struct Options {
    /// Requests in flight at once (default 16).
    pub concurrency: usize,
    /// What the tokens are needed for (default [`Need::Read`]: "does it still work?").
    pub need: Need,
    /// On 429, wait until `x-rate-limit-reset` and retry (default), or report it at once.
    pub wait: bool,
    /// The most one account waits for its rate limit in total (default 900 s, one window).
    pub max_wait: Duration,
    /// Rows in the pipeline at once, done or not, to keep the output in input order
    /// (default: 64 per request in flight, at least 1,024).
    pub window: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            concurrency: 16,
            need: Need::Read,
            wait: true,
            max_wait: Duration::from_secs(900),
            window: 0,
        }
    }
}

impl Options {
    fn window(&self) -> usize {
        if self.window > 0 {
            self.window
        } else {
            (self.concurrency * 64).max(1024)
        }
    }
}

/// The app the tokens belong to: its API Key and API Key Secret.
#[derive(Clone, Debug)]
pub struct App {
    /// The 'API Key'.
    pub api_key: ApiKey,
    /// The 'API Key Secret'.
    pub api_key_secret: ApiKeySecret,
}

impl App {
    /// The app's keys from what was loaded, past the offline check: every error about the API Key,
    /// its Secret or the `.env` file (the Access Token and its Secret come from the input instead).
    ///
    /// # Errors
    /// The findings to show, including one for a missing key.
    ///
    /// # Security
    /// The App holds the API Key Secret: it goes to the signer only.
    pub fn from_loaded(loaded: &LoadedKeys) -> Result<App, Vec<Finding>> {
        let report = check::check(loaded);
        let wanted =
            |f: Option<Field>| matches!(f, None | Some(Field::ApiKey | Field::ApiKeySecret));
        let errors: Vec<Finding> = report
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error && wanted(f.subject.field()))
            .collect();
        let value = |field| {
            loaded
                .effective(field)
                .map(|v| v.expose_value().to_string())
        };
        match (value(Field::ApiKey), value(Field::ApiKeySecret)) {
            (Some(key), Some(secret)) if errors.is_empty() => Ok(App {
                api_key: ApiKey::new(key),
                api_key_secret: ApiKeySecret::new(secret),
            }),
            _ => Err(errors),
        }
    }
}

/// Why a run stopped before the end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManyError {
    /// The input could not be read further.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The base URL is invalid or insecure.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// What every check shares: the app, where to send, one connection pool, the request permits.
struct Shared {
    app: App,
    config: ClientConfig,
    http: reqwest::Client,
    permits: Arc<Semaphore>,
    options: Options,
}

/// The rows between the first not yet handed on and the last read: a result per row, once done.
struct Window {
    slots: VecDeque<Option<Outcome>>,
    /// The sequence number of `slots[0]`.
    first: u64,
}

impl Window {
    /// The sequence number the next row gets.
    fn next_seq(&self) -> u64 {
        self.first + self.slots.len() as u64
    }

    /// Hands on the results at the front that are done, in order.
    fn drain_done(&mut self, mut hand_on: impl FnMut(Outcome)) {
        while let Some(Some(_)) = self.slots.front() {
            if let Some(Some(outcome)) = self.slots.pop_front() {
                self.first += 1;
                hand_on(outcome);
            }
        }
    }

    fn complete(&mut self, seq: u64, outcome: Outcome) {
        if let Some(slot) = self.slots.get_mut((seq - self.first) as usize) {
            *slot = Some(outcome);
        }
    }
}

/// Verifies every row of `entries`, calling `on_outcome` once per row in input order, and returns
/// the counts. Rows are pulled from `entries` (on a blocking thread) only as the window has room.
///
/// # Errors
/// [`ManyError::Client`] for a bad base URL (before any request); [`ManyError::Input`] when the
/// input can't be read further (the rows before it have their results).
///
/// # Security
/// The app's secret and each row's secret are used only to sign; an [`Outcome`] holds none.
pub async fn verify_all<I, F>(
    app: &App,
    config: &ClientConfig,
    entries: I,
    options: &Options,
    mut on_outcome: F,
) -> Result<Summary, ManyError>
where
    I: Iterator<Item = Result<Entry, InputError>> + Send + 'static,
    F: FnMut(&Outcome),
{
    let started = Instant::now();
    let (http, _) = http_client(config)?;
    let shared = Arc::new(Shared {
        app: app.clone(),
        config: config.clone(),
        http,
        permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
        options: options.clone(),
    });
    let (tx, mut rx) = mpsc::channel(256);
    let reader = tokio::task::spawn_blocking(move || {
        for entry in entries {
            let stop = entry.is_err();
            if tx.blocking_send(entry).is_err() || stop {
                break;
            }
        }
    });
    // Finished checks report here at once, so a task's memory is freed as soon as it is done;
    // the window keeps only results (a few hundred bytes each) until the rows before them are done.
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(u64, Outcome)>();
    let mut summary = Summary::default();
    let mut window = Window {
        slots: VecDeque::new(),
        first: 0,
    };
    let (mut input_done, mut failure) = (false, None);
    loop {
        window.drain_done(|outcome| {
            summary.add(&outcome);
            on_outcome(&outcome);
        });
        if input_done && window.slots.is_empty() {
            break;
        }
        let room = window.slots.len() < options.window();
        tokio::select! {
            biased;
            Some((seq, outcome)) = done_rx.recv() => window.complete(seq, outcome),
            entry = rx.recv(), if !input_done && room => match entry {
                None => input_done = true,
                Some(Err(e)) => (failure, input_done) = (Some(e), true),
                Some(Ok(Entry::Malformed { line, label, access_token, reason })) => {
                    let outcome = Outcome::malformed(line, label, access_token, reason);
                    window.slots.push_back(Some(outcome));
                }
                Some(Ok(Entry::Account(row))) => {
                    let seq = window.next_seq();
                    window.slots.push_back(None);
                    // A check starts only with a permit: at most `concurrency` checks (plus accounts
                    // waiting for a reset) hold memory at once.
                    let permit = shared.permits.clone().acquire_owned().await.ok();
                    spawn_check(row, shared.clone(), permit, seq, done_tx.clone());
                }
            },
        }
    }
    drop(rx);
    let _ = reader.await;
    summary.elapsed = started.elapsed();
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(summary),
    }
}

/// Checks one row in a task of its own, and reports its outcome (even if the check panicked).
fn spawn_check(
    row: AccountRow,
    shared: Arc<Shared>,
    permit: Option<OwnedSemaphorePermit>,
    seq: u64,
    done: mpsc::UnboundedSender<(u64, Outcome)>,
) {
    let (line, label) = (row.line, row.label.clone());
    let check = tokio::spawn(check_account(row, shared, permit));
    tokio::spawn(async move {
        let outcome = check.await.unwrap_or_else(|e| {
            let reason = format!("the check of this row failed inside xkeys: {e}");
            let problem = Problem::new(ProblemKind::UnexpectedResponse);
            Outcome::failed(line, label, problem, reason)
        });
        let _ = done.send((seq, outcome));
    });
}

/// Verifies one account; on 429, waits until the window resets (bounded) and verifies it again.
async fn check_account(
    row: AccountRow,
    shared: Arc<Shared>,
    mut permit: Option<OwnedSemaphorePermit>,
) -> Outcome {
    let credentials = Credentials {
        api_key: shared.app.api_key.clone(),
        api_key_secret: shared.app.api_key_secret.clone(),
        access_token: row.access_token.clone(),
        access_token_secret: row.access_token_secret.clone(),
        bearer_token: None,
    };
    let client = match XClient::with_http(credentials, shared.config.clone(), shared.http.clone()) {
        Ok(client) => client,
        Err(e) => {
            let problem = api_error::classify_client_error(&e);
            let reason = problem.kind.title().to_string();
            return Outcome::failed(row.line, row.label.clone(), problem, reason);
        }
    };
    let options = &shared.options;
    let (mut waited, mut requests) = (Duration::ZERO, 0);
    loop {
        if permit.is_none() {
            permit = shared.permits.clone().acquire_owned().await.ok();
        }
        let verdict = verify(&client, options.need).await;
        // The permit bounds requests in flight; an account waiting for its reset doesn't hold one.
        drop(permit.take());
        requests += verdict.requests;
        let reset = match verdict.problems.first() {
            Some(p) if p.kind == ProblemKind::RateLimited && options.wait => {
                verdict.rate_limit.map(|r| r.reset)
            }
            _ => None,
        };
        // X sends no Retry-After: wait until x-rate-limit-reset, plus a second for clock skew.
        let pause = reset.map(|r| api_error::until(r) + Duration::from_secs(1));
        match pause {
            Some(pause) if waited + pause <= options.max_wait => {
                tokio::time::sleep(pause).await;
                waited += pause;
            }
            _ => {
                let mut outcome = Outcome::from_verdict(&row, &verdict, waited);
                outcome.requests = requests;
                return outcome;
            }
        }
    }
}
