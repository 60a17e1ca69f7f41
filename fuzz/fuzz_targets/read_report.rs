//! Any bytes into the JUnit reader (and the mapper, on what it reads): never a panic, and
//! every kept text within the cap.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use testrail_report::report::{read_bytes, text::TEXT_CAP};
use testrail_report::mapping::{Mapper, MappingOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(report) = read_bytes(Path::new("fuzz.xml"), data) else { return };
    let mapper = Mapper::new(&MappingOptions::default()).unwrap();
    for test in &report.tests {
        let _ = mapper.case_ids(test);
        for record in &test.records {
            assert!(record.body.text.len() <= TEXT_CAP);
        }
        for out in [&test.system_out, &test.system_err].into_iter().flatten() {
            assert!(out.text.len() <= TEXT_CAP);
        }
    }
});
