//! Excel files. Not read yet: a placeholder that refuses them by name.

use super::Problem;
use super::format::{Format, Input, Reader};
use super::layout::Layout;

pub struct Xlsx;

impl Reader for Xlsx {
    fn format(&self) -> Format {
        Format::Xlsx
    }

    fn sniff(&self, _input: &Input) -> bool {
        false
    }

    fn read(&self, _input: &Input) -> Result<Layout, Problem> {
        Err(Problem::Unsupported(format!("{} files are not read yet", Format::Xlsx.name())))
    }
}
