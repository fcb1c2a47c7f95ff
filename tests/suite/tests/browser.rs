//! The built book in a real browser. Headless Chromium (Debian's `chromium`), driven by
//! playwright-core (`tests/suite/browser/check.mjs`), opens every page of SUMMARY.md from a small static
//! server on 127.0.0.1 and checks what a reader meets: the page loads with no console error and no
//! broken image, every code block has a copy button, the sidebar links every chapter, search finds
//! "Access Token Secret", and exactly the std-only steps of the signature chapter have a working play
//! button. At 1280 px and on a 390 px phone, in the light and the coal theme, no ```text block (a
//! program's output) scrolls sideways, and every picture has alt text, fits the column and keeps its
//! text readable (at least [`MIN_TEXT_PX`] on the phone); in the dark theme the pictures are dimmed.
//! Screenshots go to `target/browser/`: pages in light and dark themes, and every picture alone at
//! 390 px in light and coal (`phone-*.png`, `phone-coal-*.png`). The measurements are printed.
//!
//! Needs `chromium` (or `XKEYS_CHROMIUM=/path`), node 20+ and `npm ci --prefix tests/suite/browser`;
//! `.ci/run` installs them. Without them the test says loudly that it was skipped and passes, so
//! `cargo test` works on a machine with only the Rust toolchain — unless `XKEYS_REQUIRE_BROWSER=1`,
//! when it fails instead. The whole run takes about a minute.

#[path = "../../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{root, summary_files};
use serde_json::Value;

/// How long the browser run may take before the test kills it.
const BROWSER_DEADLINE: Duration = Duration::from_secs(300);

/// The smallest text a picture may show on a 390 px phone, in CSS pixels.
const MIN_TEXT_PX: f64 = 9.0;

/// Alt text shorter than this says nothing about the picture.
const MIN_ALT_CHARS: usize = 40;

/// The chapter whose std-only steps have play buttons.
const PLAY_PAGE: &str = "how-a-signature-is-made.html";

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("XKEYS_CHROMIUM") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Node.js 20 or later (playwright-core 1.64 needs it).
fn node_works() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let version = String::from_utf8_lossy(&o.stdout).into_owned();
            let major = version
                .trim()
                .strip_prefix('v')?
                .split('.')
                .next()?
                .parse::<u32>()
                .ok()?;
            Some(major >= 20)
        })
        .unwrap_or(false)
}

fn browser_dir() -> PathBuf {
    root().join("tests").join("suite").join("browser")
}

/// What is missing to run the browser test, each with how to install it.
fn missing() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if chromium().is_none() {
        missing.push("chromium (apt-get install chromium)");
    }
    if !node_works() {
        missing.push("node 20 or later (apt-get install nodejs npm)");
    }
    if !browser_dir()
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        missing.push("playwright-core (npm ci --prefix tests/suite/browser)");
    }
    missing
}

/// Builds the book with search (the same book.toml as `mdbook build` and tests/book.rs).
fn build_book() -> PathBuf {
    let out = root().join("target").join("book-browser");
    let _ = std::fs::remove_dir_all(&out);
    let mut book = mdbook_driver::MDBook::load(root()).expect("book.toml and SUMMARY.md load");
    book.config.build.build_dir = out.clone();
    book.build().expect("the book builds");
    let has_index = std::fs::read_dir(&out)
        .expect("built book")
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with("searchindex"));
    assert!(
        has_index,
        "no search index: enable mdbook-driver's `search` feature in Cargo.toml"
    );
    out
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Answers one HTTP/1.1 GET with a file of `dir` (or 404), then closes the connection.
fn answer(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    // Only plain names below `dir` (the book has no others): no `..`, no escapes.
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut file = dir.to_path_buf();
    let plain = segments.iter().all(|s| *s != ".." && !s.contains('%'));
    file.extend(&segments);
    if file.is_dir() {
        file.push("index.html");
    }
    let body = if plain {
        std::fs::read(&file).ok()
    } else {
        None
    };
    let mut stream = reader.into_inner();
    match body {
        Some(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content_type(&file),
                body.len()
            )?;
            stream.write_all(&body)?;
        }
        None => {
            let body = b"not found";
            write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
        }
    }
    stream.flush()
}

/// Serves `dir` on 127.0.0.1 from a background thread, for the rest of the test process.
fn serve(dir: PathBuf) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &dir);
            });
        }
    });
    addr
}

/// Runs check.mjs and returns its JSON report; fails past the deadline.
fn run_browser(book_url: &str, pages: &[String], shots: &Path, chromium: &Path) -> Value {
    let mut child = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .current_dir(browser_dir())
        .env("BOOK_URL", book_url)
        .env("CHROMIUM", chromium)
        .env("PAGES", serde_json::to_string(pages).expect("json"))
        .env("SHOTS", shots)
        .env("PLAY_PAGE", PLAY_PAGE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break status;
        }
        if started.elapsed() > BROWSER_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser run took over {BROWSER_DEADLINE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    assert!(status.success(), "check.mjs failed ({status}):\n{err}");
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("check.mjs printed no report ({e}):\n{out}\n{err}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Play buttons each chapter should show: its ```rust,…,mdbook-runnable blocks.
fn expected_play_buttons(chapter: &str) -> usize {
    let text = std::fs::read_to_string(root().join("book").join(chapter)).expect("chapter");
    common::fences(&text)
        .iter()
        .filter(|f| f.has_play_button())
        .count()
}

#[test]
fn every_page_renders_in_chromium() {
    let missing = missing();
    if !missing.is_empty() {
        let required = std::env::var("XKEYS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "XKEYS_REQUIRE_BROWSER=1 but the browser test can't run: missing {} (`bash .ci/run` installs them)",
            missing.join(", ")
        );
        // Straight to the terminal: the test harness captures eprintln! of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "\n\n*** tests/suite/tests/browser.rs SKIPPED: install chromium, node and playwright-core to run it ***\n\
             *** missing: {} ***\n\
             *** (`bash .ci/run` installs them; XKEYS_REQUIRE_BROWSER=1 makes this a failure) ***\n",
            missing.join(", ")
        );
        return;
    }
    let chromium = chromium().expect("checked above");

    let book = build_book();
    let addr = serve(book);
    let book_url = format!("http://{addr}/");
    let shots = root().join("target").join("browser");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("create target/browser");
    let chapters = summary_files();
    let pages: Vec<String> = chapters.iter().map(|f| f.replace(".md", ".html")).collect();

    let report = run_browser(&book_url, &pages, &shots, &chromium);
    // Kept for whoever investigates a failure.
    std::fs::write(shots.join("report.json"), report.to_string()).expect("write report.json");
    let mut problems = Vec::new();

    let seen = report["pages"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        seen.len(),
        pages.len(),
        "the browser didn't open every page"
    );
    for (page, chapter) in seen.iter().zip(&chapters) {
        let path = page["path"].as_str().unwrap_or("?");
        if page["status"] != 200 {
            problems.push(format!("{path}: HTTP {}", page["status"]));
        }
        for kind in ["consoleErrors", "pageErrors", "failedRequests"] {
            for e in strings(&page[kind]) {
                problems.push(format!("{path}: {kind}: {e}"));
            }
        }
        for img in strings(&page["brokenImages"]) {
            problems.push(format!("{path}: broken image {img}"));
        }
        if page["codeBlocksWithoutCopy"] != 0 {
            problems.push(format!(
                "{path}: {} of {} code blocks have no copy button",
                page["codeBlocksWithoutCopy"], page["codeBlocks"]
            ));
        }
        let expected = expected_play_buttons(chapter);
        if page["playButtons"].as_u64() != Some(expected as u64) {
            problems.push(format!(
                "{path}: {} visible play buttons, expected {expected}",
                page["playButtons"]
            ));
        }
        if page["editors"].as_u64() != Some(expected as u64) {
            problems.push(format!(
                "{path}: {} editors, expected {expected}",
                page["editors"]
            ));
        }
    }
    let total_images: u64 = seen.iter().filter_map(|p| p["images"].as_u64()).sum();
    if total_images < 10 {
        problems.push(format!(
            "only {total_images} images found in the whole book"
        ));
    }

    let sidebar = strings(&report["sidebar"]);
    for page in &pages {
        if !sidebar.iter().any(|href| href == &format!("/{page}")) {
            problems.push(format!("the sidebar doesn't link {page}"));
        }
    }

    let results = report["search"].as_array().cloned().unwrap_or_default();
    let hrefs: Vec<&str> = results.iter().filter_map(|r| r["href"].as_str()).collect();
    if !hrefs
        .iter()
        .any(|h| h.ends_with("/get-the-access-token-and-secret.html"))
    {
        problems.push(format!(
            "search for \"Access Token Secret\" doesn't find its chapter: {hrefs:?}"
        ));
    }

    let play = &report["play"];
    let code = play["request"]["code"].as_str().unwrap_or("");
    if play["edited"] != true
        || !code.contains("Hello Readers")
        || !code.contains("fn percent_encode")
    {
        problems.push(format!(
            "the edited base-string step wasn't sent whole to the playground: {play}"
        ));
    }
    if play["request"]["edition"] != "2021" {
        problems.push(format!(
            "the playground would run edition {}",
            play["request"]["edition"]
        ));
    }

    for url in strings(&report["external"]) {
        problems.push(format!(
            "the book requested {url} (nothing may leave the machine)"
        ));
    }
    problems.extend(layout_problems(&report, &pages));
    let _ = writeln!(std::io::stderr(), "{}", measurements(&report));

    for shot in strings(&report["screenshots"]) {
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        if size < 10_000 {
            problems.push(format!("screenshot {shot} is {size} bytes"));
        }
    }
    if strings(&report["screenshots"]).len() < 20 {
        problems.push(format!("screenshots missing: {}", report["screenshots"]));
    }
    assert!(
        problems.is_empty(),
        "in the browser:\n{}",
        problems.join("\n")
    );
}

/// The passes of check.mjs: the report's key, what to call it, and the theme it must be in (the
/// desktop pass switches themes for its screenshots).
const PASSES: [(&str, &str, Option<&str>); 3] = [
    ("pages", "1280 px", None),
    ("phone", "390 px", Some("light")),
    ("dark", "390 px, coal", Some("coal")),
];

/// Terminal output that scrolls sideways, pictures without alt text, too wide or with unreadable text.
fn layout_problems(report: &Value, pages: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let phone = report["phone"].as_array().map_or(0, Vec::len);
    if phone != pages.len() {
        problems.push(format!(
            "the phone pass opened {phone} of {} pages",
            pages.len()
        ));
    }
    let with_pictures = report["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["pictures"].as_array().is_some_and(|a| !a.is_empty()))
        .count();
    let dark = report["dark"].as_array().map_or(0, Vec::len);
    if dark != with_pictures || dark == 0 {
        problems.push(format!(
            "the dark pass opened {dark} pages, but {with_pictures} have pictures"
        ));
    }
    for (key, pass, theme) in PASSES {
        for page in report[key].as_array().into_iter().flatten() {
            let path = page["path"].as_str().unwrap_or("?");
            if page["textBlocks"].as_u64().is_none() {
                problems.push(format!("{path} ({pass}): not measured"));
            }
            if theme.is_some_and(|t| page["theme"] != t) {
                problems.push(format!("{path} ({pass}): measured in {}", page["theme"]));
            }
            for block in strings(&page["copyDiffers"]) {
                problems.push(format!(
                    "{path} ({pass}): copying the text block starting {block:?} gives other text than it shows"
                ));
            }
            for block in strings(&page["overflowingTextBlocks"]) {
                problems.push(format!(
                    "{path} ({pass}): a text block scrolls sideways by {block}"
                ));
            }
            for picture in page["pictures"].as_array().into_iter().flatten() {
                let src = picture["src"].as_str().unwrap_or("?");
                let at = format!("{path} ({pass}): {src}");
                let alt = picture["alt"].as_str().unwrap_or("");
                if alt.trim().chars().count() < MIN_ALT_CHARS {
                    problems.push(format!("{at}: alt text {alt:?} says too little"));
                }
                if picture["loaded"] != true {
                    problems.push(format!("{at}: not loaded"));
                }
                let width = picture["width"].as_f64().unwrap_or(0.0);
                let column = picture["column"].as_f64().unwrap_or(0.0);
                if width < 200.0 || width > column + 1.0 {
                    problems.push(format!("{at}: {width} px wide in a {column} px column"));
                }
                if key != "pages" && src.ends_with(".svg") {
                    match picture["minTextPx"].as_f64() {
                        Some(px) if px >= MIN_TEXT_PX => {}
                        Some(px) => problems.push(format!(
                            "{at}: text as small as {px} px ({:?}), under {MIN_TEXT_PX} px",
                            picture["smallestText"]
                        )),
                        None => problems.push(format!("{at}: no text measured")),
                    }
                }
                let filter = picture["filter"].as_str().unwrap_or("");
                if key == "dark" && !filter.contains("invert") {
                    problems.push(format!(
                        "{at}: shown as in the light theme in coal (filter {filter:?})"
                    ));
                }
                if key == "phone" && filter != "none" {
                    problems.push(format!("{at}: filtered ({filter}) in the light theme"));
                }
            }
        }
    }
    problems
}

/// What the passes measured, for whoever reads the test's output.
fn measurements(report: &Value) -> String {
    let mut out = String::from("\nbrowser measurements:\n");
    for (key, pass, _) in PASSES {
        let pages = report[key].as_array().cloned().unwrap_or_default();
        let sum = |field: &str| -> u64 { pages.iter().filter_map(|p| p[field].as_u64()).sum() };
        let overflowing: usize = pages
            .iter()
            .map(|p| strings(&p["overflowingTextBlocks"]).len())
            .sum();
        out.push_str(&format!(
            "  {pass:<13} {} text blocks, {} lines wider than the column (they wrap), {overflowing} blocks scroll sideways\n",
            sum("textBlocks"),
            sum("wideLines"),
        ));
    }
    out.push_str("  smallest text in each picture at 390 px (light):\n");
    let mut seen = std::collections::BTreeSet::new();
    for page in report["phone"].as_array().into_iter().flatten() {
        for picture in page["pictures"].as_array().into_iter().flatten() {
            let src = picture["src"].as_str().unwrap_or("?");
            if seen.insert(src.to_string()) {
                out.push_str(&format!(
                    "    {:>5} px  {src} ({} px wide)\n",
                    picture["minTextPx"], picture["width"]
                ));
            }
        }
    }
    out
}
