//! Any bytes into the Cucumber JSON reader directly (no sniffing in front): never a panic,
//! and an error always names the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use testrail_report::report::cucumber;

fuzz_target!(|data: &[u8]| {
    if let Err(err) = cucumber::read_bytes(Path::new("cucumber.json"), data) {
        assert!(err.to_string().starts_with("cucumber.json"));
    }
});
