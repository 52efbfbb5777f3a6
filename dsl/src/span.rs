//! Source positions. Every AST node and every model object carries a `Span`
//! so that any diagnostic, at any stage, points at the text the user wrote.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Byte range `start..end` in the file with id `file` of a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: u32, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn from_pest(file: u32, span: pest::Span<'_>) -> Self {
        Span::new(file, span.start(), span.end())
    }

    /// Length in bytes.
    pub fn byte_len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

/// One source file: its display path and text. The text is shared, so
/// rendering a diagnostic never copies the file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
}

/// All files of a compilation, indexed by `Span::file`.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> u32 {
        self.files.push(SourceFile {
            path: path.into(),
            text: text.into(),
        });
        (self.files.len() - 1) as u32
    }

    pub fn get(&self, file: u32) -> &SourceFile {
        &self.files[file as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (u32, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as u32, f))
    }
}

/// A position as editors count it: 0-based line, and the column in bytes
/// (UTF-8) and in UTF-16 code units (what LSP clients use by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub utf8: u32,
    pub utf16: u32,
}

/// Line starts of one text, for turning byte offsets into lines and
/// columns and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    /// The line and columns of a byte offset (clamped to the text, and to
    /// the start of the character it falls inside).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        LineCol {
            line: line as u32,
            utf8: (offset - start) as u32,
            utf16: text[start..offset].encode_utf16().count() as u32,
        }
    }

    /// The byte offset of a line and UTF-16 column; a column past the end
    /// of its line gives the line's end.
    pub fn offset(&self, text: &str, line: u32, utf16: u32) -> Option<u32> {
        let start = *self.starts.get(line as usize)? as usize;
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(text.len(), |&e| e as usize - 1);
        let mut units = 0;
        for (i, ch) in text[start..end].char_indices() {
            if units >= utf16 {
                return Some((start + i) as u32);
            }
            units += ch.len_utf16() as u32;
        }
        Some(end as u32)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_utf8_and_utf16() {
        let text = "ab\nçé𝄞x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(
            index.line_col(text, x),
            LineCol {
                line: 1,
                utf8: 8,
                utf16: 4
            }
        );
        assert_eq!(index.offset(text, 1, 4), Some(x));
        assert_eq!(index.offset(text, 0, 99), Some(2));
        assert_eq!(index.offset(text, 9, 0), None);
        // Inside a character: its start.
        assert_eq!(index.line_col(text, x - 1).utf16, 2);
        assert_eq!(index.line_col(text, 999).line, 2);
    }
}
