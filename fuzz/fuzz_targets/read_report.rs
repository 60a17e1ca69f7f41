//! Any bytes into the report readers, through the format sniffing a file gets (and the mapper,
//! on what they read): never a panic, and every kept text within the cap.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use testrail_report::mapping::{Mapper, MappingOptions};
use testrail_report::report::{read_bytes, text::TEXT_CAP, Report};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = read_bytes(Path::new("fuzz.xml"), data) else { return };
    check(&report);
});

/// What every reader promises about what it kept.
fn check(report: &Report) {
    let mapper = Mapper::new(&MappingOptions::default()).unwrap();
    for test in &report.tests {
        let _ = mapper.case_ids(test);
        for record in &test.records {
            assert!(record.body.text.len() <= TEXT_CAP);
        }
        for out in [test.system_out(), test.system_err()].into_iter().flatten() {
            assert!(out.text.len() <= TEXT_CAP);
        }
        for step in test.steps() {
            assert!(step.content.len() <= TEXT_CAP);
        }
    }
}
