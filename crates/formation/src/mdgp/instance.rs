//! The problem: `n` elements, `m` groups with size bounds, and a symmetric distance matrix.

use std::fmt;

use crate::rng::Rng;

/// A grouping problem: maximise the sum of `d(i, j)` over pairs placed in the same group, with group
/// `g` holding between `lower[g]` and `upper[g]` elements.
///
/// The matrix is stored full (`n * n` `f32`, row-major, zero diagonal) so that a row is one
/// contiguous slice for the O(n) updates; sums are accumulated in `f64`. At n = 3000 this is 36 MB.
#[derive(Clone, Debug)]
pub struct Instance {
    n: usize,
    m: usize,
    lower: Vec<u32>,
    upper: Vec<u32>,
    d: Vec<f32>,
}

/// Why an instance could not be read or built.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// 1-based line number (0 when the error is not tied to a line).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 { write!(f, "{}", self.message) } else { write!(f, "line {}: {}", self.line, self.message) }
    }
}

impl std::error::Error for ParseError {}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

impl Instance {
    /// An instance from its parts; checks that bounds can be met (`sum lower <= n <= sum upper`).
    pub fn new(n: usize, lower: Vec<u32>, upper: Vec<u32>, d: Vec<f32>) -> Result<Instance, ParseError> {
        let m = lower.len();
        if m == 0 || upper.len() != m {
            return Err(err(0, "need at least one group and as many upper as lower bounds"));
        }
        if d.len() != n * n {
            return Err(err(0, format!("distance matrix has {} entries, want {}", d.len(), n * n)));
        }
        for g in 0..m {
            if lower[g] > upper[g] {
                return Err(err(0, format!("group {g}: lower bound {} above upper bound {}", lower[g], upper[g])));
            }
        }
        let lo: u64 = lower.iter().map(|&x| u64::from(x)).sum();
        let hi: u64 = upper.iter().map(|&x| u64::from(x)).sum();
        if lo > n as u64 || hi < n as u64 {
            return Err(err(
                0,
                format!("{n} elements cannot fill {m} groups whose sizes sum to between {lo} and {hi}"),
            ));
        }
        Ok(Instance { n, m, lower, upper, d })
    }

    /// Reads the MDGPLIB text format: a header `n m ss|ds a_1 b_1 ... a_m b_m`, then one line
    /// `i j d_ij` per pair (0-based). Pairs not listed have distance 0.
    pub fn parse(text: &str) -> Result<Instance, ParseError> {
        let mut lines = text.lines().enumerate();
        let (_, header) = lines.next().ok_or_else(|| err(1, "empty file"))?;
        let mut it = header.split_ascii_whitespace();
        let mut num = |what: &str| -> Result<usize, ParseError> {
            let tok = it.next().ok_or_else(|| err(1, format!("header lacks {what}")))?;
            tok.parse::<usize>().map_err(|_| err(1, format!("header {what} {tok:?} is not a whole number")))
        };
        let n = num("n")?;
        let m = num("m")?;
        let kind = it.next().ok_or_else(|| err(1, "header lacks ss|ds"))?;
        if kind != "ss" && kind != "ds" {
            return Err(err(1, format!("header kind {kind:?} is neither ss nor ds")));
        }
        let mut lower = Vec::with_capacity(m);
        let mut upper = Vec::with_capacity(m);
        for g in 0..m {
            for (v, what) in [(&mut lower, "lower"), (&mut upper, "upper")] {
                let tok = it.next().ok_or_else(|| err(1, format!("header lacks the {what} bound of group {g}")))?;
                let x =
                    tok.parse::<u32>().map_err(|_| err(1, format!("{what} bound {tok:?} is not a whole number")))?;
                v.push(x);
            }
        }
        if let Some(extra) = it.next() {
            return Err(err(1, format!("unexpected {extra:?} after the bounds")));
        }
        let mut d = vec![0f32; n * n];
        for (k, line) in lines {
            let ln = k + 1;
            let mut t = line.split_ascii_whitespace();
            let Some(a) = t.next() else { continue };
            let (Some(b), Some(c)) = (t.next(), t.next()) else {
                return Err(err(ln, "want `i j d`"));
            };
            let i: usize = a.parse().map_err(|_| err(ln, format!("bad index {a:?}")))?;
            let j: usize = b.parse().map_err(|_| err(ln, format!("bad index {b:?}")))?;
            let v: f32 = c.parse().map_err(|_| err(ln, format!("bad distance {c:?}")))?;
            if i >= n || j >= n || i == j {
                return Err(err(ln, format!("pair ({i}, {j}) out of range for n = {n}")));
            }
            d[i * n + j] = v;
            d[j * n + i] = v;
        }
        Instance::new(n, lower, upper, d)
    }

    /// A seeded random instance (RanReal-like: uniform distances in [0, 100) with 3 decimals) of
    /// `n` elements in `m` groups whose sizes may differ by at most one (`floor(n/m)..=ceil(n/m)`).
    pub fn random(n: usize, m: usize, seed: u64) -> Result<Instance, ParseError> {
        if m == 0 || m > n {
            return Err(err(0, format!("cannot make {m} groups of {n} elements")));
        }
        let mut rng = Rng::new(seed);
        let mut d = vec![0f32; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let v = rng.below(100_000) as f32 / 1000.0;
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
        let lo = (n / m) as u32;
        let hi = n.div_ceil(m) as u32;
        Instance::new(n, vec![lo; m], vec![hi; m], d)
    }

    /// Number of elements.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Number of groups.
    pub fn m(&self) -> usize {
        self.m
    }
    /// Smallest allowed size of group `g`.
    pub fn lower(&self, g: usize) -> u32 {
        self.lower[g]
    }
    /// Largest allowed size of group `g`.
    pub fn upper(&self, g: usize) -> u32 {
        self.upper[g]
    }
    /// `d(i, j)`.
    #[inline]
    pub fn d(&self, i: usize, j: usize) -> f32 {
        self.d[i * self.n + j]
    }
    /// Row `i` of the matrix.
    #[inline]
    pub fn row(&self, i: usize) -> &[f32] {
        &self.d[i * self.n..(i + 1) * self.n]
    }
    /// True when some group's bounds leave room, so single-element moves can be feasible.
    pub fn has_slack(&self) -> bool {
        self.lower.iter().zip(&self.upper).any(|(a, b)| a < b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_and_pairs() {
        let inst = Instance::parse("3 1 ss 3 3 \n0 1 1.5\n0 2 2\n1 2 3.25\n").unwrap();
        assert_eq!((inst.n(), inst.m()), (3, 1));
        assert_eq!(inst.d(1, 0), 1.5);
        assert_eq!(inst.d(2, 1), 3.25);
        assert_eq!(inst.d(2, 2), 0.0);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Instance::parse("3 1 ss 3 3\n0 1 x\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("bad distance"));
        let e = Instance::parse("3 1 ss 1 2\n").unwrap_err();
        assert!(e.message.contains("cannot fill"), "{e}");
        let e = Instance::parse("3 1 zz 3 3\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
