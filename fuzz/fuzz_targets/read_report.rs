//! Any bytes into the report readers (and the mapper, on what they read): never a panic,
//! and every kept text within the cap. A first byte below 6 forces that format of
//! `Format::ALL` on the rest, so each reader is fuzzed on its own; any other input is read
//! in the format it is sniffed as.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use testrail_report::mapping::{Mapper, MappingOptions};
use testrail_report::report::{Format, read_bytes_as, text::TEXT_CAP};

fuzz_target!(|data: &[u8]| {
    let (format, data) = match data.split_first() {
        Some((&b, rest)) if usize::from(b) < Format::ALL.len() => {
            (Some(Format::ALL[usize::from(b)]), rest)
        }
        _ => (None, data),
    };
    let Ok(report) = read_bytes_as(Path::new("fuzz.xml"), data, format) else {
        return;
    };
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
        for property in test.properties() {
            assert!(property.value.len() <= TEXT_CAP);
        }
    }
});
