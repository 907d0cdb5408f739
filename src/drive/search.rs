//! The search syntax of reve (`/?tag:work size>10M` in the TUI, `reve search` on the command
//! line) turned into a Cloudreve search URI (files-and-transfers.md §3.1): listing that URI
//! searches recursively below its folder, and the answer is shown as a virtual folder.
//!
//! Terms, separated by spaces (`"…"` keeps spaces inside one term):
//! - a word: the name contains it (several words must all match; `*` is a wildcard);
//! - `tag:NAME`: has that tag; `type:file|folder`; `kind:image|video|audio|document`;
//! - `size>10M`, `size<=1.5G` (binary units K, M, G, T);
//! - `created>2026-01-31`, `updated<7d` (a date, or an age: `updated<7d` = more than 7 days
//!   ago, `updated>7d` = within the last 7 days);
//! - `or`: any of the name words may match instead of all.

use crate::api::uri::CrUri;
use chrono::{DateTime, NaiveDate, Utc};

/// Splits on spaces, keeping `"quoted phrases"` together.
fn terms(query: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// `10M` → bytes (binary units; a trailing `B`/`iB` is allowed).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix("ib"))
        .or_else(|| t.strip_suffix(['B', 'b']))
        .unwrap_or(t);
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("{text:?} is not a size like 500K, 10M or 1.5G")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 500K, 10M or 1.5G"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("{text:?} is not a size"));
    }
    Ok((value * factor as f64).round() as u64)
}

/// A date (`2026-01-31`, midnight UTC) or an age (`7d`, `12h`: that long before `now`).
fn parse_when(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    let age = humantime::parse_duration(text)
        .map_err(|_| format!("{text:?} is not a date (2026-01-31) or an age (7d)"))?;
    let age = chrono::Duration::from_std(age).map_err(|_| format!("{text:?} is too long ago"))?;
    Ok(now - age)
}

/// The comparison in a `field>value` term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

fn split_comparison(term: &str) -> Option<(&str, Cmp, &str)> {
    for (op, cmp) in [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
    ] {
        if let Some(at) = term.find(op) {
            return Some((&term[..at], cmp, &term[at + op.len()..]));
        }
    }
    None
}

/// A `created_*`/`updated_*` bound. An age stands for the moment that long ago, so
/// `updated>7d` reads "updated after 7 days ago" (within the last week). Strict comparisons
/// with a date move the bound by one second; ages are not that precise anyway.
fn date_bound(
    field: &str,
    cmp: Cmp,
    value: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), String> {
    let when = parse_when(value, now)?;
    let is_age = NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err();
    let later = matches!(cmp, Cmp::Gt | Cmp::Ge);
    let secs = when.timestamp();
    let (suffix, secs) = match (later, cmp) {
        (true, Cmp::Gt | Cmp::Lt) if !is_age => ("gte", secs + 1),
        (true, _) => ("gte", secs),
        (false, Cmp::Gt | Cmp::Lt) if !is_age => ("lte", secs - 1),
        (false, _) => ("lte", secs),
    };
    Ok((format!("{field}_{suffix}"), secs.to_string()))
}

/// The search URI for `query` below `base` (`now` anchors ages like `7d`).
pub fn search_uri(base: &CrUri, query: &str, now: DateTime<Utc>) -> Result<CrUri, String> {
    let mut uri = base.without_query();
    let mut any = false;
    let mut names = 0;
    let mut or = false;
    let mut size_bounds = (false, false);
    for term in terms(query)? {
        if term.eq_ignore_ascii_case("or") {
            or = true;
            continue;
        }
        if let Some(tag) = term.strip_prefix("tag:") {
            if tag.is_empty() {
                return Err("tag: needs a name".into());
            }
            // `meta_<key>` with an empty value: the key exists (C2-218).
            uri = uri.with_query(&format!("meta_tag:{tag}"), "");
        } else if let Some(kind) = term.strip_prefix("type:") {
            match kind {
                "file" | "folder" => uri = uri.with_query("type", kind),
                other => return Err(format!("type:{other}: use type:file or type:folder")),
            }
        } else if let Some(kind) = term
            .strip_prefix("kind:")
            .or_else(|| term.strip_prefix("category:"))
        {
            match kind {
                "image" | "video" | "audio" | "document" => uri = uri.with_query("category", kind),
                other => {
                    return Err(format!("kind:{other}: use image, video, audio or document"));
                }
            }
        } else if let Some((field, cmp, value)) = split_comparison(&term) {
            match field {
                "size" => {
                    let n = parse_size(value)?;
                    let (key, n) = match cmp {
                        Cmp::Gt => ("size_gte", n.saturating_add(1)),
                        Cmp::Ge => ("size_gte", n),
                        Cmp::Lt => ("size_lte", n.saturating_sub(1)),
                        Cmp::Le => ("size_lte", n),
                    };
                    if key == "size_gte" {
                        size_bounds.0 = true;
                    } else {
                        size_bounds.1 = true;
                    }
                    uri = uri.with_query(key, &n.to_string());
                }
                "created" | "updated" | "modified" => {
                    let field = if field == "created" {
                        "created"
                    } else {
                        "updated"
                    };
                    let (key, value) = date_bound(field, cmp, value, now)?;
                    uri = uri.with_query(&key, &value);
                }
                other => {
                    return Err(format!(
                        "{other:?}: compare size, created or updated (e.g. size>10M)"
                    ));
                }
            }
        } else {
            uri = uri.with_query("name", &term);
            names += 1;
        }
        any = true;
    }
    if !any {
        return Err("nothing to search for".into());
    }
    if or && names > 1 {
        uri = uri.with_query("use_or", "");
    }
    if size_bounds == (true, false) {
        // The server applies both size bounds once either is set, so a lone lower bound
        // would also ask for "at most 0 bytes" and match nothing (conformance kit README).
        uri = uri.with_query("size_lte", &i64::MAX.to_string());
    }
    // Names match regardless of case, as people expect from a search box.
    Ok(uri.with_query("case_folding", ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn query_of(text: &str) -> Vec<(String, String)> {
        search_uri(&CrUri::my_root(), text, now()).unwrap().query
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn words_tags_types_and_sizes() {
        assert_eq!(
            query_of("report \"final draft\" tag:work size>10M type:file"),
            vec![
                pair("name", "report"),
                pair("name", "final draft"),
                pair("meta_tag:work", ""),
                pair("size_gte", &(10 * 1024 * 1024 + 1).to_string()),
                pair("type", "file"),
                pair("size_lte", &i64::MAX.to_string()),
                pair("case_folding", ""),
            ]
        );
        assert_eq!(
            query_of("size<=1.5G kind:image"),
            vec![
                pair("size_lte", &(3 * (1u64 << 29)).to_string()),
                pair("category", "image"),
                pair("case_folding", ""),
            ]
        );
        assert_eq!(
            query_of("a or b"),
            vec![
                pair("name", "a"),
                pair("name", "b"),
                pair("use_or", ""),
                pair("case_folding", ""),
            ]
        );
    }

    #[test]
    fn dates_and_ages() {
        let midnight = Utc
            .with_ymd_and_hms(2026, 1, 31, 0, 0, 0)
            .unwrap()
            .timestamp();
        assert_eq!(
            query_of("created>=2026-01-31")[0],
            pair("created_gte", &midnight.to_string())
        );
        assert_eq!(
            query_of("updated<2026-01-31")[0],
            pair("updated_lte", &(midnight - 1).to_string())
        );
        let week_ago = (now() - chrono::Duration::days(7)).timestamp();
        // Within the last week / older than a week.
        assert_eq!(
            query_of("modified>7d")[0],
            pair("updated_gte", &week_ago.to_string())
        );
        assert_eq!(
            query_of("created<7d")[0],
            pair("created_lte", &week_ago.to_string())
        );
    }

    #[test]
    fn the_uri_keeps_its_folder() {
        let base = CrUri::my_root().join("Documents");
        let uri = search_uri(&base, "todo", now()).unwrap();
        assert_eq!(
            uri.to_string(),
            "cloudreve://my/Documents?name=todo&case_folding="
        );
    }

    #[test]
    fn mistakes_are_explained() {
        for bad in [
            "",
            "  ",
            "tag:",
            "type:dir",
            "kind:books",
            "size>lots",
            "size>10X",
            "created>yesterday",
            "colour>3",
            "\"open",
        ] {
            assert!(
                search_uri(&CrUri::my_root(), bad, now()).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("500").unwrap(), 500);
        assert_eq!(parse_size("2K").unwrap(), 2048);
        assert_eq!(parse_size("1MiB").unwrap(), 1 << 20);
        assert_eq!(parse_size("3gb").unwrap(), 3 << 30);
        assert!(parse_size("-1M").is_err());
    }
}
