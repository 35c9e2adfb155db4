//! The checker: recomputes a solution's score and feasibility from scratch, sharing no code with the
//! incremental state.

use std::fmt;

use super::Instance;

/// Why an assignment is not a feasible solution.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    /// The assignment has the wrong number of entries.
    Length { got: usize, want: usize },
    /// An element is placed in a group that does not exist.
    NoSuchGroup { element: usize, group: u32 },
    /// A group's size is outside its bounds.
    Size { group: usize, size: u32, lower: u32, upper: u32 },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Length { got, want } => {
                write!(f, "assignment has {got} entries, instance has {want} elements")
            }
            Violation::NoSuchGroup { element, group } => {
                write!(f, "element {element} is in group {group}, which does not exist")
            }
            Violation::Size { group, size, lower, upper } => {
                write!(f, "group {group} has {size} elements, allowed {lower}..={upper}")
            }
        }
    }
}

impl std::error::Error for Violation {}

/// Recomputes the objective of `assignment` (element -> group) from the matrix, and checks that
/// every group's size is within its bounds. O(n^2), accumulated in `f64`.
pub fn check(inst: &Instance, assignment: &[u32]) -> Result<f64, Violation> {
    let (n, m) = (inst.n(), inst.m());
    if assignment.len() != n {
        return Err(Violation::Length { got: assignment.len(), want: n });
    }
    let mut size = vec![0u32; m];
    for (element, &g) in assignment.iter().enumerate() {
        if g as usize >= m {
            return Err(Violation::NoSuchGroup { element, group: g });
        }
        size[g as usize] += 1;
    }
    for (g, &s) in size.iter().enumerate() {
        if s < inst.lower(g) || s > inst.upper(g) {
            return Err(Violation::Size { group: g, size: s, lower: inst.lower(g), upper: inst.upper(g) });
        }
    }
    let mut total = 0.0f64;
    for i in 0..n {
        let row = inst.row(i);
        for j in i + 1..n {
            if assignment[i] == assignment[j] {
                total += f64::from(row[j]);
            }
        }
    }
    Ok(total)
}
