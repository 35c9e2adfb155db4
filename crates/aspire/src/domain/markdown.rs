//! Markdown that members write in discussions, rendered to HTML that is safe to show: the
//! Markdown is turned into HTML (pulldown-cmark), then everything that is not plain formatting
//! is removed (ammonia): no scripts, styles, frames, event handlers or javascript: links.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use pulldown_cmark::{Options, Parser, html};

/// Longest post a member may write, in characters.
pub const MAX_POST_CHARS: usize = 20_000;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .tags(
            [
                "p",
                "br",
                "em",
                "strong",
                "del",
                "code",
                "pre",
                "blockquote",
                "ul",
                "ol",
                "li",
                "a",
                "h3",
                "h4",
                "hr",
                "table",
                "thead",
                "tbody",
                "tr",
                "th",
                "td",
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["https", "http", "mailto"].into_iter().collect())
        // Links leave aspire without telling the other site where they came from.
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Bytes of Markdown and HTML kept by [`render`]: a few thousand posts' worth.
const RENDERED_KEPT_BYTES: usize = 8 << 20;

/// Markdown already rendered, by its whole text: the HTML is a function of the text alone, so a
/// post read again (a long thread's page, viewed by each member) is not parsed and sanitised
/// again. Dropped at once when full.
static RENDERED: LazyLock<Mutex<Rendered>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Rendered {
    html: HashMap<String, Arc<str>>,
    bytes: usize,
}

/// Renders a member's Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let kept = RENDERED.lock().unwrap_or_else(PoisonError::into_inner).html.get(markdown).cloned();
    if let Some(html) = kept {
        return html.to_string();
    }
    let html = render_anew(markdown);
    let mut rendered = RENDERED.lock().unwrap_or_else(PoisonError::into_inner);
    if rendered.bytes + markdown.len() + html.len() > RENDERED_KEPT_BYTES {
        *rendered = Rendered::default();
    }
    rendered.bytes += markdown.len() + html.len();
    rendered.html.insert(markdown.to_owned(), Arc::from(html.as_str()));
    html
}

fn render_anew(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formatting_stays_and_scripts_go() {
        let html = render("**Funded!** see [the call](https://grants.nih.gov)\n\n<script>alert(1)</script>");
        assert!(html.contains("<strong>Funded!</strong>"));
        assert!(html.contains("href=\"https://grants.nih.gov\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(!html.contains("<script"));
        let html =
            render("[click](javascript:alert(1)) <img src=x onerror=alert(1)> <a href=\"x\" onclick=\"y\">z</a>");
        assert!(!html.contains("javascript:") && !html.contains("onerror") && !html.contains("onclick"));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn a_text_rendered_again_gives_what_rendering_it_anew_gives() {
        let texts = ["**Funded!** <script>alert(1)</script>", "*one*", "*one* ", "| a |\n|---|\n| 1 |"];
        for text in texts {
            let first = render(text);
            assert_eq!(first, render_anew(text));
            assert_eq!(render(text), first, "{text:?} kept");
        }
        // Texts that differ by a character are different texts.
        assert_ne!(render("*one*"), render("**one**"));
    }

    /// Whether sanitised HTML holds anything that could run or restyle the page: a forbidden
    /// element, an event handler, or a `javascript:` URL in a tag. Text is escaped by the
    /// sanitiser (a raw `<` always starts a real tag), so only tags are examined.
    fn has_unsafe_markup(html: &str) -> bool {
        let lower = html.to_ascii_lowercase();
        lower.split('<').skip(1).any(|rest| {
            let tag = rest.split('>').next().unwrap_or("");
            let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
            let forbidden = ["script", "style", "iframe", "img", "object", "svg", "form", "input", "embed", "link"];
            forbidden.contains(&name)
                || tag.split_whitespace().skip(1).any(|attr| attr.starts_with("on"))
                || tag.contains("javascript:")
        })
    }

    fn hostile() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"https://x\" onmouseover=\"y\">a</a>",
            "<style>body{}</style>",
            "<iframe src=//evil>",
            "<svg onload=alert(1)>",
            "**bold**",
            "`code`",
            "> quote",
            "\n\n",
            "<",
            ">",
            "&",
            "\"",
            "[",
            "](",
            "<scr<script>ipt>",
            "<<script>script>",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "~~gone~~",
            "<form><input name=x></form>",
            "<p onclick=x>hi</p>",
        ]);
        prop::collection::vec(prop_oneof![pieces.prop_map(String::from), ".{0,12}"], 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn no_input_gets_a_script_or_handler_through(input in hostile()) {
            let html = render(&input);
            prop_assert!(!has_unsafe_markup(&html), "input {input:?} gave {html:?}");
        }

        #[test]
        fn arbitrary_text_never_panics_or_leaks_markup(input in "\\PC{0,400}") {
            let html = render(&input);
            prop_assert!(!has_unsafe_markup(&html), "input {input:?} gave {html:?}");
        }
    }
}
