//! What a valid shared resource is: a title, tags, a link (http or https only) or a file of an
//! allowed type within the size limit. File types are read from the bytes, not trusted from the
//! name or the browser, and a file is always served as a download, never shown inline. No I/O.

/// Largest file a member may share. It stays under the app-wide request limit
/// (`server::MAX_BODY_BYTES`), so every route keeps one limit and an upload is never held in
/// memory beyond it; writing samples, aims pages and budget templates fit comfortably.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_FILE_NAME_CHARS: usize = 150;

/// The extensions people may share, for messages.
pub const ALLOWED_EXTENSIONS: &str = "PDF, DOCX, XLSX, PPTX, ODT, TXT, CSV or MD";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("give the resource a title, like \"Specific aims page, K23 (funded)\"")]
    EmptyTitle,
    #[error("a title is at most {MAX_TITLE_CHARS} characters: shorten it and put the rest in the description")]
    TitleTooLong,
    #[error("a description is at most {MAX_DESCRIPTION_CHARS} characters: shorten it")]
    DescriptionTooLong,
    #[error("at most {MAX_TAGS} tags, separated by commas: keep the ones people will search for")]
    TooManyTags,
    #[error("the tag '{0}' is longer than {MAX_TAG_CHARS} characters: use a word or two")]
    TagTooLong(String),
    #[error("'{0}' is not a web address aspire can link to: paste a link that starts with https:// or http://")]
    BadUrl(String),
    #[error("share either a file or a link, not both: clear one of them and send the form again")]
    FileAndLink,
    #[error("choose a file to upload or paste a link: the form had neither")]
    Nothing,
    #[error(
        "the file is {0} bytes; files are at most {limit} MB: compress it, split it, or share a link to it instead",
        limit = MAX_FILE_BYTES / (1024 * 1024)
    )]
    TooLarge(usize),
    #[error("the file is empty: choose the file again")]
    EmptyFile,
    #[error("'{0}' is not a type aspire shares: upload a {ALLOWED_EXTENSIONS} file (export it to PDF if unsure)")]
    TypeNotAllowed(String),
    #[error(
        "'{0}' is a web page, image or script, which aspire never shares as a file: save it as PDF, or share a link to it"
    )]
    Active(String),
    #[error("'{name}' does not contain what its name says ({kind}): export it again as {kind} and upload that")]
    Mismatch { name: String, kind: &'static str },
}

/// A file type aspire accepts, and the type it is served as (never HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    pub extension: &'static str,
    pub label: &'static str,
    pub content_type: &'static str,
}

const KINDS: [FileKind; 8] = [
    FileKind { extension: "pdf", label: "PDF", content_type: "application/pdf" },
    FileKind {
        extension: "docx",
        label: "DOCX",
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    FileKind {
        extension: "xlsx",
        label: "XLSX",
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    FileKind {
        extension: "pptx",
        label: "PPTX",
        content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    },
    FileKind { extension: "odt", label: "ODT", content_type: "application/vnd.oasis.opendocument.text" },
    FileKind { extension: "txt", label: "TXT", content_type: "text/plain; charset=utf-8" },
    FileKind { extension: "csv", label: "CSV", content_type: "text/csv; charset=utf-8" },
    FileKind { extension: "md", label: "MD", content_type: "text/markdown; charset=utf-8" },
];

/// Extensions refused by name whatever they contain: browsers run or render them.
const ACTIVE_EXTENSIONS: [&str; 16] = [
    "html", "htm", "xhtml", "shtml", "svg", "svgz", "js", "mjs", "xml", "xsl", "exe", "dll", "bat", "cmd", "sh", "msi",
];

/// A served type for a stored value: anything unexpected is plain bytes, never markup.
pub fn served_content_type(stored: &str) -> &'static str {
    KINDS.iter().find(|k| k.content_type == stored).map_or("application/octet-stream", |k| k.content_type)
}

/// Checks an uploaded file by its name and its bytes; returns what it is.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<FileKind, ResourceError> {
    if bytes.is_empty() {
        return Err(ResourceError::EmptyFile);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ResourceError::TooLarge(bytes.len()));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if ACTIVE_EXTENSIONS.contains(&extension.as_str()) || looks_active(bytes) {
        return Err(ResourceError::Active(name.to_string()));
    }
    let kind = KINDS.iter().find(|k| k.extension == extension).ok_or_else(|| {
        ResourceError::TypeNotAllowed(if name.is_empty() { "the file".to_string() } else { name.to_string() })
    })?;
    let content_matches = match kind.extension {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "docx" => is_ooxml(bytes, b"word/"),
        "xlsx" => is_ooxml(bytes, b"xl/"),
        "pptx" => is_ooxml(bytes, b"ppt/"),
        // An OpenDocument file is a ZIP whose first entry, stored uncompressed, names its type.
        "odt" => {
            bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"mimetypeapplication/vnd.oasis.opendocument.text")
        }
        _ => is_plain_text(bytes),
    };
    if content_matches { Ok(*kind) } else { Err(ResourceError::Mismatch { name: name.to_string(), kind: kind.label }) }
}

/// An Office Open XML file: a ZIP with a content-types part and its application's folder.
fn is_ooxml(bytes: &[u8], folder: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"[Content_Types].xml") && contains(bytes, folder)
}

/// UTF-8 text without NUL bytes (binary files and UTF-16 have them).
fn is_plain_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0)
}

/// Markup, scripts or programs, whatever the file is called.
fn looks_active(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"MZ") || bytes.starts_with(b"\x7fELF") || bytes.starts_with(b"#!") {
        return true;
    }
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<iframe"]
        .iter()
        .any(|m| head.starts_with(m))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn validate_title(title: &str) -> Result<String, ResourceError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ResourceError::EmptyTitle);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(ResourceError::TitleTooLong);
    }
    Ok(title.to_string())
}

pub fn validate_description(description: &str) -> Result<String, ResourceError> {
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ResourceError::DescriptionTooLong);
    }
    Ok(description.to_string())
}

/// Comma-separated tags: trimmed, lower-cased, inner spaces collapsed, duplicates dropped.
/// Stored joined by commas.
pub fn parse_tags(text: &str) -> Result<Vec<String>, ResourceError> {
    let mut tags: Vec<String> = Vec::new();
    for raw in text.split(',') {
        let tag = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(ResourceError::TagTooLong(tag));
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(ResourceError::TooManyTags);
    }
    Ok(tags)
}

/// A link people may follow: http or https with a host; nothing a browser would run.
pub fn validate_url(text: &str) -> Result<String, ResourceError> {
    let text = text.trim();
    let parsed = url::Url::parse(text).map_err(|_| ResourceError::BadUrl(text.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(ResourceError::BadUrl(text.to_string()));
    }
    Ok(parsed.to_string())
}

/// The name a file is kept and offered under: no folders, no control characters, not too long.
pub fn clean_file_name(name: &str, kind: &FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(MAX_FILE_NAME_CHARS).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() { format!("resource.{}", kind.extension) } else { cleaned }
}

/// A `Content-Disposition` that always downloads, with the name in plain ASCII and in UTF-8
/// (RFC 6266 / RFC 5987), so nothing in a name can break out of the header.
pub fn attachment_header(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Does a resource match a search: every word of `text` in its title, description, tags or
/// file name (case-insensitive), and `tag` among its tags when given.
pub fn matches_search(fields: [&str; 4], tags: &[&str], text: &str, tag: &str) -> bool {
    let tag = tag.trim().to_lowercase();
    if !tag.is_empty() && !tags.contains(&tag.as_str()) {
        return false;
    }
    let haystack = fields.join("\n").to_lowercase();
    text.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

/// A resource ready to keep: checked title, description and tags, and a link or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidResource {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Link(String),
    File { name: String, kind: FileKind },
}

/// Checks a resource form. `file` is the uploaded file's name and bytes, when the form had one
/// (browsers send an empty part when no file was chosen; that counts as none).
pub fn validate_resource(
    title: &str,
    description: &str,
    tags: &str,
    url: &str,
    file: Option<(&str, &[u8])>,
) -> Result<ValidResource, ResourceError> {
    let title = validate_title(title)?;
    let description = validate_description(description)?;
    let tags = parse_tags(tags)?;
    let file = file.filter(|(name, bytes)| !name.is_empty() || !bytes.is_empty());
    let content = match (url.trim(), file) {
        ("", None) => return Err(ResourceError::Nothing),
        (_, Some(_)) if !url.trim().is_empty() => return Err(ResourceError::FileAndLink),
        (link, None) => Content::Link(validate_url(link)?),
        (_, Some((name, bytes))) => {
            let kind = check_file(name, bytes)?;
            Content::File { name: clean_file_name(name, &kind), kind }
        }
    };
    Ok(ValidResource { title, description, tags, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx() -> Vec<u8> {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend_from_slice(b"....[Content_Types].xml....word/document.xml....");
        b
    }

    #[test]
    fn files_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(check_file("aims.pdf", b"%PDF-1.7 ...").unwrap().content_type, "application/pdf");
        assert_eq!(check_file("Sample.DOCX", &docx()).unwrap().extension, "docx");
        assert!(matches!(check_file("aims.pdf", b"hello"), Err(ResourceError::Mismatch { kind: "PDF", .. })));
        assert!(matches!(check_file("sheet.xlsx", &docx()), Err(ResourceError::Mismatch { kind: "XLSX", .. })));
        assert_eq!(check_file("notes.md", "# Tips\n".as_bytes()).unwrap().content_type, "text/markdown; charset=utf-8");
        assert!(matches!(check_file("notes.txt", b"a\0b"), Err(ResourceError::Mismatch { .. })));
    }

    #[test]
    fn markup_scripts_and_programs_are_refused_whatever_their_name() {
        for (name, bytes) in [
            ("page.html", &b"hi"[..]),
            ("logo.svg", b"<svg/>"),
            ("tips.txt", b"  <!DOCTYPE html><script>alert(1)</script>"),
            ("aims.pdf", b"<svg onload=alert(1)>"),
            ("setup.txt", b"MZ\x90\x00"),
            ("app.js", b"alert(1)"),
        ] {
            assert!(matches!(check_file(name, bytes), Err(ResourceError::Active(_))), "{name}");
        }
        assert!(matches!(check_file("archive.zip", b"PK\x03\x04"), Err(ResourceError::TypeNotAllowed(_))));
        assert!(matches!(check_file("noextension", b"text"), Err(ResourceError::TypeNotAllowed(_))));
        assert_eq!(
            check_file("big.txt", &vec![b'a'; MAX_FILE_BYTES + 1]),
            Err(ResourceError::TooLarge(MAX_FILE_BYTES + 1))
        );
    }

    #[test]
    fn links_are_web_addresses_only() {
        assert_eq!(validate_url(" https://grants.nih.gov/a?b=c ").unwrap(), "https://grants.nih.gov/a?b=c");
        for bad in
            ["javascript:alert(1)", "data:text/html,hi", "ftp://x.edu/f", "grants.nih.gov", "https://", "file:///etc"]
        {
            assert!(validate_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_lower_cased_and_deduplicated_and_limited() {
        assert_eq!(parse_tags(" K23, Specific  Aims,k23,, ").unwrap(), vec!["k23", "specific aims"]);
        assert_eq!(
            parse_tags(&(0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",")),
            Err(ResourceError::TooManyTags)
        );
        assert!(parse_tags(&"x".repeat(41)).is_err());
    }

    #[test]
    fn download_names_cannot_break_the_header() {
        let name = clean_file_name("C:\\Users\\me\\Aims \"final\".pdf", &KINDS[0]);
        assert_eq!(name, "Aims final.pdf");
        let header = attachment_header("Résumé\r\n.pdf");
        assert!(header.starts_with("attachment; filename=\"R_sum_"), "{header}");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(header.contains("filename*=UTF-8''R%C3%A9sum%C3%A9%0D%0A.pdf"));
        assert_eq!(clean_file_name("..", &KINDS[0]), "resource.pdf");
    }

    #[test]
    fn a_resource_is_a_link_or_a_file_never_both_or_neither() {
        let link = validate_resource(" Tips ", "", "grants", "https://x.edu/tips", Some(("", b""))).unwrap();
        assert_eq!(link.content, Content::Link("https://x.edu/tips".into()));
        let file = validate_resource("Aims", "", "", "", Some(("aims.pdf", b"%PDF-1.4"))).unwrap();
        assert!(matches!(file.content, Content::File { ref name, .. } if name == "aims.pdf"));
        assert_eq!(validate_resource("Aims", "", "", " ", None), Err(ResourceError::Nothing));
        assert_eq!(
            validate_resource("Aims", "", "", "https://x.edu", Some(("aims.pdf", b"%PDF-1.4"))),
            Err(ResourceError::FileAndLink)
        );
        assert_eq!(validate_resource(" ", "", "", "https://x.edu", None), Err(ResourceError::EmptyTitle));
    }

    #[test]
    fn search_needs_every_word_and_the_tag() {
        let fields = ["K23 aims page", "funded on first try", "", "aims.pdf"];
        assert!(matches_search(fields, &["k23", "aims"], "K23 funded", ""));
        assert!(matches_search(fields, &["k23", "aims"], "", "K23"));
        assert!(!matches_search(fields, &["k23"], "R01", ""));
        assert!(!matches_search(fields, &["k23"], "", "budget"));
    }
}
