//! Byte ranges into a source text.

use serde::Serialize;

/// A half-open byte range `start..end` into one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Offsets beyond `u32::MAX` (a text over 4 GiB, which `parse` refuses) saturate
    /// instead of wrapping, so a span never points before where it should.
    pub fn new(start: usize, end: usize) -> Span {
        let offset = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        Span { start: offset(start), end: offset(end) }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A value with the span it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_beyond_4_gib_saturate() {
        assert_eq!(Span::new(5, 1 << 33), Span { start: 5, end: u32::MAX });
    }
}
