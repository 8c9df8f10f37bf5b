//! A small HTML writer that escapes every text and attribute value it is given, so no
//! string of a schema reaches the page unescaped. Only the page's own constant style and
//! script go in raw, through [`Html::trusted`], which takes `&'static str` alone.

use std::fmt::Write as _;

#[derive(Debug, Default)]
pub(crate) struct Html {
    out: String,
}

/// Escapes text for an element's content or a quoted attribute value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Html {
    /// `<tag a="v">`; attribute names are the page's own constants.
    pub(crate) fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        }
        self.out.push('>');
        self
    }

    pub(crate) fn close(&mut self, tag: &'static str) -> &mut Self {
        let _ = write!(self.out, "</{tag}>");
        self
    }

    /// Escaped text.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(&escape(text));
        self
    }

    /// `<tag attrs>text</tag>`.
    pub(crate) fn elem(&mut self, tag: &'static str, attrs: &[(&'static str, &str)], text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// A line break in the source, for readable output.
    pub(crate) fn nl(&mut self) -> &mut Self {
        self.out.push('\n');
        self
    }

    /// The page's own markup, style and script: constants only.
    pub(crate) fn trusted(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::default();
        h.open("a", &[("href", "#x\"><script>")]).text("<b>&'").close("a");
        assert_eq!(h.finish(), "<a href=\"#x&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&#39;</a>");
    }
}
