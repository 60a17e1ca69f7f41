//! Any bytes into the Robot Framework reader directly (no sniffing in front): never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use testrail_report::report::robot;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = robot::read_bytes(Path::new("output.xml"), data) {
        for test in &report.tests {
            assert!(test.steps().iter().all(|s| s.content.len() <= 4096));
        }
    }
});
