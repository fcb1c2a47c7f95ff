//! How fast and how lean `verify_many`'s engine (`xkeys::many`) is: 1,000 and 10,000 accounts of one
//! app against the sandbox with 50 ms of latency per request, at concurrency 64. Prints the wall time
//! against the ideal (accounts × latency ÷ concurrency) and the peak memory (`VmHWM`).
//!
//! ```sh
//! cargo bench --bench verify_many
//! ```
//!
//! Each measurement runs in processes of its own, so that one peak doesn't hide another: a sandbox
//! process serves the accounts, and a client process streams the CSV through the same library code
//! the example uses and reports its time and its own peak memory.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xkeys::client::ClientConfig;
use xkeys::credentials::{ApiKey, ApiKeySecret};
use xkeys::many::{self, App, InputFormat, Options};
use xkeys_sandbox::{Account, Sandbox, SandboxConfig};

const APP_KEY: &str = "Vn3Kq8Lw2Xc7Rb5Tz9Mh4Jd6F";
const APP_SECRET: &str = "Pq2Wm8Nx4Lk6Jv0Hb3Gc7Fd1Sa5Zt9Yr2Ue6Io4Pl8Km0Nj3B";
const LATENCY: Duration = Duration::from_millis(50);
const CONCURRENCY: usize = 64;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("XKEYS_BENCH_ROLE").as_deref() {
        Ok("sandbox") => serve(),
        Ok("client") => client(),
        _ => orchestrate(),
    }
}

/// The peak resident memory of this process, in KiB.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn accounts(n: u64) -> impl Iterator<Item = Account> {
    (0..n).map(|i| {
        let k = Account::generated(i).to_demo();
        Account::new(APP_KEY, APP_SECRET, &k.access_token, &k.access_token_secret).user(
            &k.user_id,
            &k.username,
            "Load account",
        )
    })
}

/// Sandbox role: serve N accounts until stdin closes.
fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::var("XKEYS_BENCH_N")?.parse()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let config = SandboxConfig::default()
            .without_demo_accounts()
            .latency(LATENCY)
            .accounts(accounts(n));
        let sandbox = Sandbox::start_with(config).await?;
        println!("{}", sandbox.base_url());
        std::io::stdout().flush()?;
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::stdin().read_line(&mut sink);
        })
        .await?;
        eprintln!("sandbox peak memory: {} MiB", vm_hwm_kib() / 1024);
        drop(sandbox);
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}

/// Client role: verify every row of the CSV file, print "<secs> <rows> <ok> <requests> <peak KiB>".
fn client() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("XKEYS_BENCH_URL")?;
    let file = std::env::var("XKEYS_BENCH_FILE")?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let app = App {
            api_key: ApiKey::new(APP_KEY),
            api_key_secret: ApiKeySecret::new(APP_SECRET),
        };
        let config = ClientConfig::default().base_url(base);
        let options = Options {
            concurrency: CONCURRENCY,
            ..Options::default()
        };
        let rows = many::rows(std::fs::File::open(&file)?, InputFormat::Csv)?;
        let started = Instant::now();
        let mut sink = std::io::sink();
        let mut out = many::OutcomeWriter::new(&mut sink, many::OutputFormat::JsonLines)?;
        let summary = many::verify_all(&app, &config, rows, &options, |o| {
            let _ = out.write(o);
        })
        .await?;
        let secs = started.elapsed().as_secs_f64();
        let ok = summary
            .counts
            .get(&many::RowVerdict::Ok)
            .copied()
            .unwrap_or(0);
        println!(
            "{secs} {} {ok} {} {}",
            summary.rows,
            summary.requests,
            vm_hwm_kib()
        );
        Ok(())
    })
}

fn orchestrate() -> Result<(), Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let dir = tempfile::tempdir()?;
    println!(
        "verify_many engine: accounts of one app against the sandbox, {} ms latency, concurrency {CONCURRENCY}",
        LATENCY.as_millis()
    );
    println!(
        "{:>8}  {:>8}  {:>8}  {:>6}  {:>8}  {:>9}  {:>16}",
        "accounts", "wall s", "ideal s", "ratio", "req/s", "ok", "client peak MiB"
    );
    for n in [1_000u64, 10_000] {
        let file = dir.path().join(format!("tokens-{n}.csv"));
        let mut csv = std::io::BufWriter::new(std::fs::File::create(&file)?);
        writeln!(csv, "access_token,access_token_secret,label")?;
        for i in 0..n {
            let k = Account::generated(i).to_demo();
            writeln!(csv, "{},{},user {i}", k.access_token, k.access_token_secret)?;
        }
        csv.flush()?;
        drop(csv);

        let mut sandbox = Command::new(&exe)
            .env("XKEYS_BENCH_ROLE", "sandbox")
            .env("XKEYS_BENCH_N", n.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut url = String::new();
        BufReader::new(sandbox.stdout.take().ok_or("no stdout")?).read_line(&mut url)?;
        let out = Command::new(&exe)
            .env("XKEYS_BENCH_ROLE", "client")
            .env("XKEYS_BENCH_URL", url.trim())
            .env("XKEYS_BENCH_FILE", &file)
            .output()?;
        drop(sandbox.stdin.take());
        sandbox.wait()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<f64> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let [secs, rows, ok, requests, peak_kib] = f[..] else {
            return Err(format!(
                "client failed: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        };
        let ideal = n as f64 * LATENCY.as_secs_f64() / CONCURRENCY as f64;
        println!(
            "{n:>8}  {secs:>8.2}  {ideal:>8.2}  {:>5.2}x  {:>8.0}  {:>9}  {:>16.1}",
            secs / ideal,
            requests / secs,
            format!("{ok}/{rows}"),
            peak_kib / 1024.0
        );
    }
    println!(
        "target: within 1.15x of ideal; client peak memory flat from 1,000 to 10,000 accounts"
    );
    Ok(())
}
