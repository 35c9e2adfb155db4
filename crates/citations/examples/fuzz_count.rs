//! Runs N random and mutated inputs through every parser and counts panics.
//!
//! `cargo run -p aspire-citations --example fuzz_count --release -- 100000`
//!
//! Inputs are the sample exports, cut short, with bytes flipped, with
//! structural characters spliced in, and plain random bytes; a fixed seed
//! makes a failing run repeatable.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;

use aspire_citations::{
    AwardNumber, Doi, Pmcid, Pmid, author_position, detect_format, parse_any, parse_bibtex, parse_medline, parse_ris,
};

const SAMPLES: [&[u8]; 6] = [
    include_bytes!("../tests/samples/pubmed-3.nbib"),
    include_bytes!("../tests/samples/zotero.ris"),
    include_bytes!("../tests/samples/scholar-zotero.bib"),
    include_bytes!("../tests/samples/truncated.bib"),
    include_bytes!("../tests/samples/truncated.ris"),
    include_bytes!("../tests/samples/latin1.ris"),
];

const PIECES: [&[u8]; 14] = [
    b"{",
    b"}",
    b"\"",
    b"@",
    b"#",
    b"\n",
    b"\\'",
    b"TY  - JOUR\n",
    b"ER  - \n",
    b"PMID- 1\n",
    b"      ",
    b"@string{a = a # a}",
    b"\xEF\xBB\xBF",
    b"\xFF",
];

/// xorshift64*: enough randomness for mutation, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutated_input(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = SAMPLES[rng.below(SAMPLES.len())].to_vec();
    match rng.below(5) {
        0 => bytes.truncate(rng.below(bytes.len() + 1)),
        1 => {
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len());
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = rng.next() as u8;
                }
            }
        }
        2 => {
            for _ in 0..=rng.below(6) {
                let at = rng.below(bytes.len() + 1);
                let piece = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
        }
        3 => {
            let start = rng.below(bytes.len());
            let end = (start + rng.below(200)).min(bytes.len());
            bytes.drain(start..end);
        }
        _ => {
            let len = rng.below(600);
            bytes = (0..len).map(|_| rng.next() as u8).collect();
        }
    }
    bytes
}

fn run_every_parser(bytes: &[u8]) {
    let _ = detect_format(bytes);
    let _ = parse_any(bytes);
    let text = String::from_utf8_lossy(bytes);
    let _ = parse_bibtex(&text);
    let _ = parse_ris(&text);
    let _ = parse_medline(&text);
    let line = text.lines().next().unwrap_or_default();
    let _ = Doi::parse(line);
    let _ = Pmid::parse(line);
    let _ = Pmcid::parse(line);
    let _ = AwardNumber::parse(line);
    let _ = author_position(line, line, &[text.to_string()]);
}

fn main() -> ExitCode {
    let count: usize = match std::env::args().nth(1).map(|arg| arg.parse()) {
        None => 10_000,
        Some(Ok(count)) => count,
        Some(Err(_)) => {
            eprintln!("usage: fuzz_count [N]   (N inputs, default 10000)");
            return ExitCode::FAILURE;
        }
    };
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let mut panics = 0usize;
    for _ in 0..count {
        let input = mutated_input(&mut rng);
        if catch_unwind(AssertUnwindSafe(|| run_every_parser(&input))).is_err() {
            panics += 1;
        }
    }
    println!(
        "ran {count} inputs through 10 parsers (detect, parse_any, BibTeX, RIS, MEDLINE, \
         DOI, PMID, PMCID, award, author position): {panics} panicked"
    );
    if panics == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
