//! The gate every piece of XML passes before anything else reads it, and escaping for the XML we write.
//!
//! Guarantees: input over the size cap is refused before parsing; so is any markup declaration (`<!DOCTYPE`,
//! `<!ENTITY`, …), which rules out entity expansion whatever parser comes later; the document must be
//! well-formed for a strict parser (roxmltree), stay within a node count and a nesting depth, and — for protocol
//! messages — contain no comments or processing instructions, which have no business in an AuthnRequest and
//! are the raw material of comment-truncation attacks. Only then do samael (quick-xml) and xmlsec (libxml2,
//! which would otherwise *recover* malformed input) see it, so all three parsers agree on one tree.
use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::protocols::message::Message;

pub const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const NS_METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Deepest element nesting accepted (an AuthnRequest needs about 5, metadata about 8).
const MAX_DEPTH: usize = 32;
const MAX_NODES: u32 = 20_000;

/// What the checked input may contain besides elements, attributes and text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// Protocol messages: nothing else.
    Nothing,
    /// Metadata files written by people: comments too.
    Comments,
}

/// Parses `text` after the checks above; the error says why in words fit for an error page (its `Display` is the
/// English text).
pub fn parse(text: &str, max_bytes: usize, allow: Allow) -> Result<Document<'_>, Message> {
    if text.len() > max_bytes {
        return Err(Message::new("saml-xml-too-large").with("kib", (max_bytes / 1024).to_string()));
    }
    // `<!--` (comments) and `<![CDATA[` are the only `<!` constructs a SAML document may hold.
    for (at, _) in text.match_indices("<!") {
        let rest = &text[at + 2..];
        if !(rest.starts_with("--") || rest.starts_with("[CDATA[")) {
            return Err("saml-xml-declaration".into());
        }
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| Message::new("saml-xml-malformed").with("detail", e.to_string()))?;
    let mut stack: Vec<(Node, usize)> = vec![(doc.root(), 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err("saml-xml-too-deep".into());
        }
        match node.node_type() {
            NodeType::Comment if allow == Allow::Nothing => {
                return Err("saml-xml-comment".into());
            }
            NodeType::PI => return Err("saml-xml-processing-instruction".into()),
            _ => {}
        }
        stack.extend(node.children().map(|c| (c, depth + 1)));
    }
    Ok(doc)
}

/// Whether `node` is the element `{ns}name`.
pub fn is(node: &Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

/// The child elements `{ns}name` of `node`.
pub fn children<'a, 'i>(node: &Node<'a, 'i>, ns: &'a str, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(c, ns, name))
}

/// The whole text content of an element (every text node, so a split value cannot hide a part).
pub fn text(node: &Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Escapes text for an XML attribute value or element content. Characters XML 1.0 cannot carry at all
/// (most C0 controls) become U+FFFD, so a value from the database can never break the document.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_size_comments_and_depth_are_refused() {
        assert!(parse("<a/>", 100, Allow::Nothing).is_ok());
        assert!(parse("<!DOCTYPE a><a/>", 100, Allow::Nothing).is_err());
        assert!(parse("<a><!ENTITY x 'y'></a>", 100, Allow::Nothing).is_err());
        assert!(parse(&format!("<a>{}</a>", "x".repeat(200)), 100, Allow::Nothing).is_err());
        assert!(parse("<a><!-- c --></a>", 100, Allow::Nothing).is_err());
        assert!(parse("<a><!-- c --></a>", 100, Allow::Comments).is_ok());
        assert!(parse("<a><?pi x?></a>", 100, Allow::Comments).is_err());
        assert!(parse("<a><![CDATA[x]]></a>", 100, Allow::Nothing).is_ok());
        assert!(parse("<a><b></a>", 100, Allow::Nothing).is_err());
        let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        assert!(parse(&deep, 10_000, Allow::Nothing).is_err());
    }

    #[test]
    fn escaping_covers_markup_and_controls() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("<!--x-->"), "&lt;!--x--&gt;");
        assert_eq!(escape("a\u{0}b\tc"), "a\u{FFFD}b&#9;c");
    }
}
