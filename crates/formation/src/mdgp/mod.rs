//! The Maximally Diverse Grouping Problem: instance, incremental state, checker and solver.

mod check;
mod instance;
mod partition;
mod population;
mod solve;

pub use check::{Violation, check};
pub use instance::{Instance, ParseError};
pub use partition::{Partition, random_assignment};
pub use population::{PopulationParams, solve_population};
pub use solve::{Solution, solve, solve_parallel};
