//! Prose. Not read yet: a placeholder that refuses them by name.

use super::Problem;
use super::format::{Format, Input, Reader};
use super::layout::Layout;

pub struct Prose;

impl Reader for Prose {
    fn format(&self) -> Format {
        Format::Prose
    }

    fn sniff(&self, _input: &Input) -> bool {
        false
    }

    fn read(&self, _input: &Input) -> Result<Layout, Problem> {
        Err(Problem::Unsupported(format!("{} files are not read yet", Format::Prose.name())))
    }
}
