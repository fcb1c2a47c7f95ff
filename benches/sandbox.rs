//! How fast the sandbox verifies signed requests on loopback, against an unauthenticated
//! endpoint of the same server.
//!
//! ```sh
//! cargo bench --bench sandbox
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest_oauth1::{OAuthClientProvider, Secrets};
use tokio::sync::Semaphore;
use xkeys_sandbox::{Sandbox, SandboxConfig, Scenario};

const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 32;

/// Sends `REQUESTS` requests, `CONCURRENCY` at a time; returns requests per second.
async fn run(signed: bool, sandbox: &Sandbox, client: &reqwest::Client) -> f64 {
    let demo = sandbox.demo(Scenario::FullAccess).clone();
    let me = format!("{}/2/users/me", sandbox.base_url());
    let health = format!("{}/sandbox/health", sandbox.base_url());
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let started = Instant::now();
    for _ in 0..REQUESTS {
        let permit = permits.clone().acquire_owned().await.expect("semaphore");
        let (client, demo, me, health) = (client.clone(), demo.clone(), me.clone(), health.clone());
        tasks.spawn(async move {
            let resp = if signed {
                client
                    .oauth1(
                        Secrets::new(demo.api_key.as_str(), demo.api_key_secret.as_str()).token(
                            demo.access_token.as_str(),
                            demo.access_token_secret.as_str(),
                        ),
                    )
                    .get(&me)
                    .send()
                    .await
                    .expect("send")
            } else {
                client.get(&health).send().await.expect("send")
            };
            assert_eq!(resp.status(), 200);
            resp.bytes().await.expect("body");
            drop(permit);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    REQUESTS as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    // Rate limits off: 4,000 calls of one user would otherwise meet the 75/15 min limit.
    let sandbox = Sandbox::start_with(SandboxConfig::default().rate_limits(false))
        .await
        .expect("sandbox");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    // Warm up connections and caches.
    run(false, &sandbox, &client).await;
    let health = run(false, &sandbox, &client).await;
    let signed = run(true, &sandbox, &client).await;
    println!("sandbox on loopback, {REQUESTS} requests, concurrency {CONCURRENCY}:");
    println!("  GET /sandbox/health (no auth):        {health:>8.0} req/s");
    println!("  GET /2/users/me (signed + verified):  {signed:>8.0} req/s");
    println!(
        "  ratio signed/unauthenticated:         {:>8.2}",
        signed / health
    );
}
