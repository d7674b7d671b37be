//! Markdown. Not read yet: a placeholder that refuses them by name.

use super::Problem;
use super::format::{Format, Input, Reader};
use super::layout::Layout;

pub struct Markdown;

impl Reader for Markdown {
    fn format(&self) -> Format {
        Format::Markdown
    }

    fn sniff(&self, _input: &Input) -> bool {
        false
    }

    fn read(&self, _input: &Input) -> Result<Layout, Problem> {
        Err(Problem::Unsupported(format!("{} files are not read yet", Format::Markdown.name())))
    }
}
