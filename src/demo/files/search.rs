//! Searching through the query part of a folder URI (`cloudreve://my?name=f1&type=file`,
//! files-and-transfers.md §3.1): which parameters start a search, how each filter matches
//! (SQLite semantics: `LIKE` ignores ASCII case, several `meta_` filters must hold for one
//! single metadata entry), and the level-by-level walk with `"<level>|<token>"` cursors of
//! Cloudreve's recursive search (C2-214…219, C2-516).

use super::super::http::ApiErr;
use super::super::store::{Store, Time};
use super::cursor::{Cursor, Entry, OrderKey, paginate};
use crate::api::uri::CrUri;
use chrono::TimeZone;
use std::collections::BTreeMap;

/// Folders a recursive search may visit before it reports `recursion_limit_reached`.
const MAX_SEARCHED_FOLDERS: usize = 65535;

/// The category presets of a fresh server (`explorer_category_*_query`).
fn category_query(category: &str) -> Option<&'static str> {
    Some(match category {
        "image" => {
            "type=file&case_folding&use_or&name=*.bmp&name=*.iff&name=*.png&name=*.gif&name=*.jpg&name=*.jpeg&name=*.psd&name=*.svg&name=*.webp&name=*.heif&name=*.heic&name=*.tiff&name=*.avif&name=*.3fr&name=*.ari&name=*.arw&name=*.bay&name=*.braw&name=*.crw&name=*.cr2&name=*.cr3&name=*.cap&name=*.dcs&name=*.dcr&name=*.dng&name=*.drf&name=*.eip&name=*.erf&name=*.fff&name=*.gpr&name=*.iiq&name=*.k25&name=*.kdc&name=*.mdc&name=*.mef&name=*.mos&name=*.mrw&name=*.nef&name=*.nrw&name=*.obm&name=*.orf&name=*.pef&name=*.ptx&name=*.pxn&name=*.r3d&name=*.raf&name=*.raw&name=*.rwl&name=*.rw2&name=*.rwz&name=*.sr2&name=*.srf&name=*.srw&name=*.tif&name=*.x3f"
        }
        "video" => {
            "type=file&case_folding&use_or&name=*.mp4&name=*.m3u8&name=*.flv&name=*.avi&name=*.wmv&name=*.mkv&name=*.rm&name=*.rmvb&name=*.mov&name=*.ogv"
        }
        "audio" => {
            "type=file&case_folding&use_or&name=*.mp3&name=*.flac&name=*.ape&name=*.wav&name=*.acc&name=*.ogg&name=*.m4a"
        }
        "document" => {
            "type=file&case_folding&use_or&name=*.pdf&name=*.doc&name=*.docx&name=*.ppt&name=*.pptx&name=*.xls&name=*.xlsx&name=*.csv&name=*.txt&name=*.md&name=*.pub"
        }
        _ => return None,
    })
}

/// The filters of a search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    pub names: Vec<String>,
    pub name_or: bool,
    pub case_folding: bool,
    /// `Some(0)` files, `Some(1)` folders, `Some(-1)` an unknown type (matches nothing).
    pub file_type: Option<i8>,
    /// `meta_<key>=<value>`: one metadata entry must have the key and contain the value.
    pub metadata: BTreeMap<String, String>,
    /// `exact_meta_<key>=<value>`: a metadata entry with exactly this value.
    pub exact_metadata: BTreeMap<String, String>,
    pub size_gte: i64,
    pub size_lte: i64,
    pub created_gte: Option<Time>,
    pub created_lte: Option<Time>,
    pub updated_gte: Option<Time>,
    pub updated_lte: Option<Time>,
}

fn first<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn unix(v: &str) -> Option<Time> {
    let secs: i64 = v.parse().ok()?;
    chrono::Utc.timestamp_opt(secs, 0).single()
}

impl SearchParams {
    /// The search a URI query asks for: `Ok(None)` when it names no search filter,
    /// `Err` (-1) for an unknown `category` (22_files_content "search_unknown_category").
    pub fn from_query(query: &[(String, String)]) -> Result<Option<SearchParams>, ApiErr> {
        let Some(mut params) = SearchParams::parse(query) else {
            return Ok(None);
        };
        if let Some(category) = first(query, "category").filter(|c| !c.is_empty()) {
            let preset = category_query(category).ok_or_else(|| ApiErr::new(-1, ""))?;
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(preset.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if let Some(p) = SearchParams::parse(&pairs) {
                params.names = p.names;
                params.name_or = p.name_or;
                params.case_folding = p.case_folding;
                params.file_type = p.file_type;
            }
        }
        Ok(Some(params))
    }

    fn parse(query: &[(String, String)]) -> Option<SearchParams> {
        let mut p = SearchParams::default();
        let mut searching = false;
        let has = |key: &str| query.iter().any(|(k, _)| k == key);
        p.names = query
            .iter()
            .filter(|(k, _)| k == "name")
            .map(|(_, v)| v.clone())
            .collect();
        searching |= !p.names.is_empty();
        // The reference documents `name_op_or`; 4.18.0 also honoured `use_or` (C2-217).
        p.name_or = has("name_op_or") || has("use_or");
        p.case_folding = has("case_folding");
        searching |= first(query, "category").is_some_and(|c| !c.is_empty());
        if let Some(t) = first(query, "type") {
            p.file_type = Some(match t {
                "file" => 0,
                "folder" => 1,
                _ => -1,
            });
            searching = true;
        }
        for (k, v) in query {
            if let Some(key) = k.strip_prefix("meta_") {
                p.metadata
                    .entry(key.to_string())
                    .or_insert_with(|| v.clone());
                searching = true;
            } else if let Some(key) = k.strip_prefix("exact_meta_") {
                p.exact_metadata
                    .entry(key.to_string())
                    .or_insert_with(|| v.clone());
                searching = true;
            }
        }
        if let Some(n) = first(query, "size_gte").and_then(|v| v.parse().ok()) {
            p.size_gte = n;
            searching = true;
        }
        if let Some(n) = first(query, "size_lte").and_then(|v| v.parse().ok()) {
            p.size_lte = n;
            searching = true;
        }
        for (key, slot) in [
            ("created_gte", &mut p.created_gte),
            ("created_lte", &mut p.created_lte),
            ("updated_gte", &mut p.updated_gte),
            ("updated_lte", &mut p.updated_lte),
        ] {
            if let Some(t) = first(query, key).and_then(unix) {
                *slot = Some(t);
                searching = true;
            }
        }
        searching.then_some(p)
    }

    fn name_matches(&self, name: &str) -> bool {
        if self.names.is_empty() {
            return true;
        }
        let test = |term: &String| name_term_matches(name, term);
        if self.name_or {
            self.names.iter().any(test)
        } else {
            self.names.iter().all(test)
        }
    }

    fn metadata_matches(&self, metadata: &BTreeMap<String, String>) -> bool {
        // All `meta_` filters are one SQL predicate over a single metadata row.
        let row_matches = |(k, v): (&String, &String)| {
            self.metadata.iter().all(|(name, value)| {
                if name.is_empty() {
                    k == value
                } else {
                    k == name && contains_ascii_fold(v, value)
                }
            })
        };
        let loose = self.metadata.is_empty() || metadata.iter().any(row_matches);
        let exact = self
            .exact_metadata
            .iter()
            .all(|(k, v)| metadata.get(k) == Some(v));
        loose && exact
    }

    /// Whether a file or folder passes every filter.
    pub fn matches(&self, f: &Candidate<'_>) -> bool {
        if let Some(t) = self.file_type
            && t != i8::from(f.is_folder)
        {
            return false;
        }
        // Cloudreve only filters by size when a bound is positive, and then applies both
        // bounds, so `size_gte` alone asks for `size <= 0` as well (README of the kit).
        if (self.size_lte > 0 || self.size_gte > 0)
            && !(f.size as i64 >= self.size_gte && f.size as i64 <= self.size_lte)
        {
            return false;
        }
        let time_ok = |t: &Time, gte: &Option<Time>, lte: &Option<Time>| {
            gte.is_none_or(|g| *t >= g) && lte.is_none_or(|l| *t <= l)
        };
        time_ok(f.created, &self.created_gte, &self.created_lte)
            && time_ok(f.updated, &self.updated_gte, &self.updated_lte)
            && self.name_matches(f.name)
            && self.metadata_matches(f.metadata)
    }
}

/// What a filter looks at.
pub struct Candidate<'a> {
    pub name: &'a str,
    pub is_folder: bool,
    pub size: u64,
    pub created: &'a Time,
    pub updated: &'a Time,
    pub metadata: &'a BTreeMap<String, String>,
}

/// One `name` term: `"quoted"` and plain terms are substring matches, terms with `*` are
/// `LIKE` patterns; SQLite compares ASCII letters without case either way (C2-215).
fn name_term_matches(name: &str, term: &str) -> bool {
    if term.len() >= 2 && term.starts_with('"') && term.ends_with('"') {
        return contains_ascii_fold(name, term.trim_matches('"'));
    }
    if term.contains('*') {
        let mut pattern = term.replace('*', "%");
        if !pattern.starts_with('%') && !pattern.ends_with('%') {
            pattern = format!("%{pattern}%");
        }
        return like(name, &pattern);
    }
    contains_ascii_fold(name, term)
}

fn contains_ascii_fold(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

/// SQLite's `LIKE`: `%` any run, `_` any one character, ASCII letters without case.
fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut ti, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

/// A page of search results: nodes with their URIs.
#[derive(Debug, Default)]
pub struct SearchPage {
    pub items: Vec<(u64, CrUri)>,
    pub next_token: Option<String>,
    /// The token pointed past the last level: Cloudreve then answers without pagination.
    pub exhausted: bool,
    pub recursion_limit_reached: bool,
}

fn bad_token() -> ApiErr {
    ApiErr::new(-1, "")
}

/// Splits a `"<level>|<token>"` search cursor.
fn parse_search_token(token: Option<&str>) -> Result<(usize, Option<Cursor>), ApiErr> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok((0, None));
    };
    let (level, inner) = token.split_once('|').ok_or_else(bad_token)?;
    if inner.contains('|') {
        return Err(bad_token());
    }
    let level: usize = level.parse().map_err(|_| bad_token())?;
    let cursor = if inner.is_empty() {
        None
    } else {
        Some(Cursor::decode(inner).ok_or_else(bad_token)?)
    };
    Ok((level, cursor))
}

impl Store {
    /// Whether node `id` passes the search's filters.
    pub fn candidate_matches(&self, id: u64, params: &SearchParams) -> bool {
        let Some(n) = self.files.get(&id) else {
            return false;
        };
        params.matches(&Candidate {
            name: &n.name,
            is_folder: n.is_folder,
            size: self.node_size(id),
            created: &n.created_at,
            updated: &n.updated_at,
            metadata: &n.metadata,
        })
    }

    /// The children of several folders, in id order.
    fn children_of_all(&self, parents: &[(u64, CrUri)]) -> Vec<(u64, usize)> {
        let mut out: Vec<(u64, usize)> = parents
            .iter()
            .enumerate()
            .flat_map(|(i, (p, _))| self.children_of(*p).into_iter().map(move |c| (c, i)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Adds the folders below `levels[level]` as the next level; true when there are none.
    fn step_level(
        &self,
        levels: &mut Vec<Vec<(u64, CrUri)>>,
        level: usize,
        walked: &mut usize,
    ) -> bool {
        if levels.len() == level + 1 {
            let next: Vec<(u64, CrUri)> = self
                .children_of_all(&levels[level])
                .into_iter()
                .filter(|(c, _)| self.files.get(c).is_some_and(|n| n.is_folder))
                .filter_map(|(c, i)| {
                    let name = &self.files.get(&c)?.name;
                    Some((c, levels[level][i].1.join(name)))
                })
                .collect();
            *walked += next.len();
            levels.push(next);
        }
        levels[level + 1].is_empty()
    }

    /// Matches among the children of one level, after `cursor`, at most `want` of them, and
    /// the cursor to continue from when more exist.
    fn search_level(
        &self,
        parents: &[(u64, CrUri)],
        params: &SearchParams,
        cursor: Option<&Cursor>,
        want: usize,
    ) -> (Vec<(u64, CrUri)>, Option<Cursor>) {
        let mut found: Vec<(u64, usize)> = self
            .children_of_all(parents)
            .into_iter()
            .filter(|(c, _)| cursor.is_none_or(|cur| *c > cur.id))
            .filter(|(c, _)| self.candidate_matches(*c, params))
            .take(want + 1)
            .collect();
        let more = found.len() > want;
        found.truncate(want);
        let next = if more {
            found.last().map(|(c, _)| Cursor {
                id: *c,
                name: String::new(),
                size: 0,
                time: None,
                start_with_file: false,
            })
        } else {
            None
        };
        let items = found
            .into_iter()
            .filter_map(|(c, i)| {
                let name = &self.files.get(&c)?.name;
                Some((c, parents[i].1.join(name)))
            })
            .collect();
        (items, next)
    }

    /// Recursive search below `root` (addressed as `root_uri`), level by level like
    /// Cloudreve's navigator: results of one depth in id order before the next depth.
    pub fn search_tree(
        &self,
        root: u64,
        root_uri: &CrUri,
        params: &SearchParams,
        page_size: usize,
        token: Option<&str>,
    ) -> Result<SearchPage, ApiErr> {
        let (mut level, mut cursor) = parse_search_token(token)?;
        let mut levels: Vec<Vec<(u64, CrUri)>> = vec![vec![(root, root_uri.without_query())]];
        let mut walked = 1;
        for l in 0..level {
            if self.step_level(&mut levels, l, &mut walked) {
                return Ok(SearchPage {
                    exhausted: true,
                    ..SearchPage::default()
                });
            }
        }
        let mut items = Vec::new();
        let mut finished = false;
        while items.len() < page_size && walked <= MAX_SEARCHED_FOLDERS {
            let want = page_size - items.len();
            let (found, next) = self.search_level(&levels[level], params, cursor.as_ref(), want);
            items.extend(found);
            cursor = next;
            if cursor.is_none() {
                if items.len() == page_size {
                    level += 1;
                    break;
                }
                if self.step_level(&mut levels, level, &mut walked) {
                    finished = true;
                    break;
                }
                level += 1;
            }
        }
        let limited = walked > MAX_SEARCHED_FOLDERS;
        let next_token = (!limited && !finished).then(|| {
            format!(
                "{level}|{}",
                cursor.as_ref().map(Cursor::encode).unwrap_or_default()
            )
        });
        Ok(SearchPage {
            items,
            next_token,
            exhausted: false,
            recursion_limit_reached: limited,
        })
    }

    /// Search over the flat trash (C2-507, C2-512): one mixed list in id order.
    pub fn search_trash(
        &self,
        trash_root: u64,
        params: &SearchParams,
        page_size: usize,
        desc: bool,
        token: Option<&str>,
    ) -> Result<(Vec<u64>, Option<String>), ApiErr> {
        let cursor = match token.filter(|t| !t.is_empty()) {
            Some(t) => Some(Cursor::decode(t).ok_or_else(bad_token)?),
            None => None,
        };
        let entries: Vec<Entry> = self
            .children_of(trash_root)
            .into_iter()
            .filter(|c| self.candidate_matches(*c, params))
            .filter_map(|c| self.entry_of(c))
            .collect();
        let page = paginate(
            entries,
            OrderKey::Id,
            desc,
            page_size,
            cursor.as_ref(),
            true,
        );
        Ok((
            page.items.iter().map(|e| e.id).collect(),
            page.next.map(|c| c.encode()),
        ))
    }

    /// The ordering fields of one node.
    pub fn entry_of(&self, id: u64) -> Option<Entry> {
        let n = self.files.get(&id)?;
        Some(Entry {
            id,
            name: n.name.clone(),
            size: self.node_size(id),
            updated: n.updated_at,
            is_folder: n.is_folder,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn cand<'a>(name: &'a str, meta: &'a BTreeMap<String, String>, t: &'a Time) -> Candidate<'a> {
        Candidate {
            name,
            is_folder: false,
            size: 11,
            created: t,
            updated: t,
            metadata: meta,
        }
    }

    #[test]
    fn only_filters_start_a_search() {
        assert_eq!(
            SearchParams::from_query(&q("case_folding&use_or")).unwrap(),
            None
        );
        assert!(SearchParams::from_query(&q("name=f1")).unwrap().is_some());
        assert!(
            SearchParams::from_query(&q("meta_tag:todo="))
                .unwrap()
                .is_some()
        );
        assert!(
            SearchParams::from_query(&q("size_lte=x"))
                .unwrap()
                .is_none()
        );
        assert_eq!(
            SearchParams::from_query(&q("category=spaceships"))
                .unwrap_err()
                .code,
            -1
        );
    }

    #[test]
    fn names_match_like_sqlite() {
        let meta = BTreeMap::new();
        let t = chrono::Utc::now();
        let p = |s: &str| SearchParams::from_query(&q(s)).unwrap().unwrap();
        assert!(p("name=HELLO").matches(&cand("hello.txt", &meta, &t)));
        assert!(p("name=hello&name=txt").matches(&cand("hello.txt", &meta, &t)));
        assert!(!p("name=todo&name=hello").matches(&cand("hello.txt", &meta, &t)));
        assert!(p("name=todo&name=hello&name_op_or").matches(&cand("hello.txt", &meta, &t)));
        assert!(p("name=f0&name=f1&use_or").matches(&cand("f10.txt", &meta, &t)));
        assert!(p("name=*.TXT").matches(&cand("hello.txt", &meta, &t)));
        assert!(!p("name=*.md").matches(&cand("hello.txt", &meta, &t)));
        assert!(p("name=h*o").matches(&cand("a hello b", &meta, &t)));
        assert!(p("category=document").matches(&cand("todo.md", &meta, &t)));
        assert!(!p("category=image").matches(&cand("todo.md", &meta, &t)));
        assert!(like("abc", "a_c") && like("abc", "%") && !like("abc", "a_"));
    }

    #[test]
    fn sizes_types_and_metadata() {
        let t = chrono::Utc::now();
        let mut meta = BTreeMap::new();
        meta.insert("tag:todo".to_string(), String::new());
        meta.insert("customize:icon_color".to_string(), "#00FF00".to_string());
        let p = |s: &str| SearchParams::from_query(&q(s)).unwrap().unwrap();
        let c = cand("note.txt", &meta, &t);
        assert!(p("size_lte=12&type=file").matches(&c));
        assert!(
            !p("size_gte=10&type=file").matches(&c),
            "gte alone also caps at 0"
        );
        assert!(!p("type=folder").matches(&c));
        assert!(p("meta_tag:todo=").matches(&c));
        assert!(p("meta_customize:icon_color=ff0").matches(&c));
        assert!(!p("meta_tag:work=").matches(&c));
        assert!(
            !p("meta_tag:todo=&meta_customize:icon_color=").matches(&c),
            "two keys can never be one row"
        );
        assert!(p("exact_meta_customize:icon_color=%2300FF00").matches(&c));
        assert!(!p("exact_meta_customize:icon_color=%2300ff00").matches(&c));
        assert!(!p("created_lte=1000").matches(&c));
    }

    #[test]
    fn search_tokens() {
        assert_eq!(parse_search_token(None).unwrap(), (0, None));
        assert_eq!(parse_search_token(Some("2|")).unwrap(), (2, None));
        assert!(parse_search_token(Some("garbage")).is_err());
        assert!(parse_search_token(Some("x|")).is_err());
        assert!(parse_search_token(Some("1|bad")).is_err());
    }
}
