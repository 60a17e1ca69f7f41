use std::io::Read;

use super::*;

/// An input that gives at most `chunk` bytes a read.
struct Trickle<'a> {
    rest: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.rest.len());
        out[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

/// Everything `input` gives through [`Bounded`], read `chunk` bytes at a time, as one event.
fn filtered(input: &[u8], chunk: usize) -> (Vec<u8>, Bounded<Trickle<'_>>) {
    let mut bounded = Bounded::new(Trickle { rest: input, chunk });
    let mut out = Vec::new();
    bounded.read_to_end(&mut out).unwrap();
    (out, bounded)
}

const CHUNKS: [usize; 5] = [1, 2, 7, 4096, 1 << 20];

#[test]
fn runs_under_the_cap_pass_as_they_are() {
    let mut xml =
        b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'b'>]><r a=\"x>y\" b='&amp;'>".to_vec();
    xml.extend_from_slice(b"<!-- c -- > --><![CDATA[ <x> ]] ]]><?pi x?>t&lt;&#233;\xc3\xa9</r>");
    xml.extend(std::iter::repeat_n(b'z', RUN_CAP));
    for chunk in CHUNKS {
        let (out, bounded) = filtered(&xml, chunk);
        assert_eq!(out, xml, "chunk {chunk}");
        assert!(bounded.cuts.is_empty());
    }
}

/// `head`, `fill` repeated `n` times, then `end`; and what the bounded input must give.
fn case(head: &str, fill: &str, n: usize, end: &str, kept: usize) -> (Vec<u8>, Vec<u8>) {
    let body = fill.repeat(n);
    let input = format!("{head}{body}{end}").into_bytes();
    let want = format!("{head}{}{end}", &body[..kept]).into_bytes();
    (input, want)
}

#[test]
fn each_kind_of_run_is_cut_at_the_cap_and_keeps_its_end() {
    let n = RUN_CAP + 5000;
    let cases = [
        case("<r><f>", "x", n, "</f><g/></r>", RUN_CAP),
        case("<r><f m=\"", "x", n, "\" t='1'/></r>", RUN_CAP),
        case("<r m='", "x", n, "'/>", RUN_CAP),
        case("<r><![CDATA[", "x", n, "]]></r>", RUN_CAP),
        case("<r><!--", "x", n, "--></r>", RUN_CAP),
        case("<r><?p ", "x", n, "?></r>", RUN_CAP - 2),
        // `]` and `-` right before the cap: the end sequence is still found after the cut.
        case("<r><![CDATA[", "]", n, "]]></r>", RUN_CAP),
        case("<r><!--", "-", n, "--></r>", RUN_CAP),
    ];
    for (input, want) in cases {
        for chunk in CHUNKS {
            let (out, bounded) = filtered(&input, chunk);
            let show = String::from_utf8_lossy(&input[..20]);
            assert_eq!(out.len(), want.len(), "{show} chunk {chunk}");
            assert!(out == want, "{show} chunk {chunk}");
            let dropped = (input.len() - out.len()) as u64;
            assert_eq!(bounded.cuts.last().map(|c| c.1), Some(dropped), "{show}");
            // The input's last byte is where the filtered stream's last byte says it is.
            assert_eq!(bounded.original(out.len() as u64), input.len() as u64);
        }
    }
}

#[test]
fn an_end_sequence_across_the_cut_is_not_doubled() {
    // The cap falls between `]]` and `>`, then between `]` and `]>`.
    for before in [RUN_CAP - 2, RUN_CAP - 1] {
        let input = format!("<r><![CDATA[{}]]></r>", "x".repeat(before)).into_bytes();
        for chunk in CHUNKS {
            let (out, _) = filtered(&input, chunk);
            assert_eq!(out, input, "{before} chunk {chunk}");
        }
    }
}

#[test]
fn a_cut_keeps_entity_references_and_utf8_sequences_whole() {
    for shift in 0..12 {
        let text = format!("{}{}", "x".repeat(RUN_CAP - shift), "&amp;é".repeat(20));
        let input = format!("<r>{text}</r>").into_bytes();
        for chunk in [7, 1 << 20] {
            let (out, _) = filtered(&input, chunk);
            let kept = &out[3..out.len() - 4];
            let kept = std::str::from_utf8(kept).expect("whole UTF-8 sequences");
            let tail = kept.trim_start_matches('x');
            assert!(
                tail.split_inclusive(';').all(|p| p.is_empty()
                    || p.ends_with("&amp;")
                    || p.trim_start_matches('é').is_empty()
                    || p.ends_with(';')),
                "shift {shift}: {tail:?}"
            );
            assert!(!tail.ends_with("&am") && !tail.ends_with('&'), "{tail:?}");
        }
    }
}

#[test]
fn offsets_after_several_cuts_map_back_to_the_input() {
    let big = "y".repeat(RUN_CAP * 2);
    let input = format!("<r><a>{big}</a>\n<b x='{big}'/>\n<c/></r>").into_bytes();
    let (out, bounded) = filtered(&input, 4096);
    let at = |hay: &[u8], needle: &[u8]| memchr::memmem::find(hay, needle).unwrap() as u64;
    for tag in [&b"<b "[..], b"<c/>", b"</r>"] {
        assert_eq!(bounded.original(at(&out, tag)), at(&input, tag));
    }
    assert_eq!(bounded.original(3), 3);
    assert_eq!(bounded.dropped_since(0), (input.len() - out.len()) as u64);
}

#[test]
fn events_read_through_it_stay_bounded_and_short_ones_are_untouched() {
    let big = "z&amp;".repeat(RUN_CAP);
    let input = format!(
        "<r>\n<a n='1'>{big}</a><!--{big}--><b x=\"{big}\"/><c>short &lt;</c><![CDATA[{big}]]></r>"
    );
    for chunk in [999, 1 << 20] {
        let mut reader = quick_xml::Reader::from_reader(Bounded::new(Trickle {
            rest: input.as_bytes(),
            chunk,
        }));
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        loop {
            reader.get_mut().boundary();
            buf.clear();
            let event = reader.read_event_into(&mut buf).unwrap();
            let size = match &event {
                quick_xml::events::Event::Text(t) => t.len(),
                quick_xml::events::Event::CData(t) => t.len(),
                quick_xml::events::Event::Comment(t) => t.len(),
                quick_xml::events::Event::Empty(e) => e.len(),
                _ => 0,
            };
            assert!(size <= RUN_CAP + 64, "chunk {chunk}: an event of {size}");
            match event {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    seen.push(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                }
                quick_xml::events::Event::Text(t) if t.starts_with(b"short") => {
                    assert_eq!(&*t, b"short &lt;")
                }
                _ => {}
            }
        }
        assert_eq!(seen, ["r", "a", "b", "c"]);
        assert_eq!(reader.get_ref().cuts.len(), 4);
    }
}
