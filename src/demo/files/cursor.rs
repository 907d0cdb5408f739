//! Cursor pagination of folder listings, as Cloudreve's `cursorPagination` does it: folders
//! and files are two ordered sequences, folders first; a page token is base64 of a JSON
//! `PageToken` naming the last item and the value it was ordered by
//! (`{"id":"3KFX","string":"f06.txt","start_with_file":true}`, files-and-transfers.md §3.1).
//! A token that does not decode is an error (-1, C2-201).

use super::super::ids::{self, Kind};
use super::super::store::{Time, ts};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What a listing is ordered by (`order_by`); anything else orders by creation (the id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKey {
    Name,
    Size,
    Updated,
    Id,
}

impl OrderKey {
    pub fn parse(s: &str) -> OrderKey {
        match s {
            "name" => OrderKey::Name,
            "size" => OrderKey::Size,
            "updated_at" => OrderKey::Updated,
            // "created_at" and unknown values (C2-199) order by id.
            _ => OrderKey::Id,
        }
    }
}

/// The fields of one child that ordering looks at.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: u64,
    pub name: String,
    pub size: u64,
    pub updated: Time,
    pub is_folder: bool,
}

/// Where the previous page stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub id: u64,
    pub name: String,
    pub size: i64,
    pub time: Option<Time>,
    /// All folders were listed already: continue with files only.
    pub start_with_file: bool,
}

#[derive(Serialize, Deserialize, Default)]
struct PageToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    string: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    int: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    start_with_file: bool,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Cursor {
    /// The cursor after `last`, holding the value `key` orders by.
    pub fn after(last: &Entry, key: OrderKey, start_with_file: bool) -> Cursor {
        Cursor {
            id: last.id,
            name: if key == OrderKey::Name {
                last.name.clone()
            } else {
                String::new()
            },
            size: if key == OrderKey::Size {
                last.size as i64
            } else {
                0
            },
            time: (key == OrderKey::Updated).then_some(last.updated),
            start_with_file,
        }
    }

    pub fn encode(&self) -> String {
        let token = PageToken {
            time: self.time.as_ref().map(ts),
            id: ids::encode(Kind::File, self.id),
            string: self.name.clone(),
            int: self.size,
            start_with_file: self.start_with_file,
        };
        let json = serde_json::to_vec(&token).unwrap_or_default();
        base64::engine::general_purpose::STANDARD.encode(json)
    }

    /// `None` for anything that is not a token this server issued.
    pub fn decode(s: &str) -> Option<Cursor> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
        let token: PageToken = serde_json::from_slice(&bytes).ok()?;
        let id = ids::decode(Kind::File, &token.id)?;
        let time = match &token.time {
            Some(t) => Some(chrono::DateTime::parse_from_rfc3339(t).ok()?.to_utc()),
            None => None,
        };
        Some(Cursor {
            id,
            name: token.string,
            size: token.int,
            time,
            start_with_file: token.start_with_file,
        })
    }
}

/// Compares two entries by `key`, ties broken by id (`ORDER BY name, id`).
pub fn compare(a: &Entry, b: &Entry, key: OrderKey) -> Ordering {
    let primary = match key {
        OrderKey::Name => a.name.as_bytes().cmp(b.name.as_bytes()),
        OrderKey::Size => a.size.cmp(&b.size),
        OrderKey::Updated => a.updated.cmp(&b.updated),
        OrderKey::Id => Ordering::Equal,
    };
    primary.then(a.id.cmp(&b.id))
}

/// Whether `e` comes after the cursor in the listing order.
fn is_after(e: &Entry, c: &Cursor, key: OrderKey, desc: bool) -> bool {
    let primary = match key {
        OrderKey::Name => e.name.as_bytes().cmp(c.name.as_bytes()),
        OrderKey::Size => (e.size as i64).cmp(&c.size),
        OrderKey::Updated => Some(e.updated).cmp(&c.time),
        OrderKey::Id => Ordering::Equal,
    };
    let ord = primary.then(e.id.cmp(&c.id));
    if desc {
        ord == Ordering::Less
    } else {
        ord == Ordering::Greater
    }
}

/// Sorts entries in listing order.
pub fn sort(entries: &mut [Entry], key: OrderKey, desc: bool) {
    entries.sort_by(|a, b| {
        let o = compare(a, b, key);
        if desc { o.reverse() } else { o }
    });
}

/// One page of a listing.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Entry>,
    pub next: Option<Cursor>,
}

/// Cuts one page out of a folder's children (`entries` in any order).
///
/// Like Cloudreve, it queries `page_size + 1` folders after the cursor and tops up with
/// files; once files were queried the next token says `start_with_file` and is compared
/// against files only, with the last item's values — faithfully including the cases where
/// that skips files (a page ending on a folder while ordering by id).
pub fn paginate(
    entries: Vec<Entry>,
    key: OrderKey,
    desc: bool,
    page_size: usize,
    cursor: Option<&Cursor>,
    mixed: bool,
) -> Page {
    let (mut folders, mut files): (Vec<Entry>, Vec<Entry>) = if mixed {
        (entries, Vec::new())
    } else {
        entries.into_iter().partition(|e| e.is_folder)
    };
    sort(&mut folders, key, desc);
    sort(&mut files, key, desc);
    let after = |e: &Entry| cursor.is_none_or(|c| is_after(e, c, key, desc));
    let limit = page_size + 1;
    let mut start_with_file = cursor.is_some_and(|c| c.start_with_file);
    let mut taken: Vec<Entry> = if start_with_file && !mixed {
        files.into_iter().filter(|e| after(e)).take(limit).collect()
    } else {
        let mut first: Vec<Entry> = folders
            .into_iter()
            .filter(|e| after(e))
            .take(limit)
            .collect();
        if first.len() < limit && !mixed {
            first.extend(files.into_iter().take(limit - first.len()));
            start_with_file = true;
        }
        first
    };
    let next = (taken.len() > page_size && page_size > 0)
        .then(|| Cursor::after(&taken[page_size - 1], key, start_with_file));
    taken.truncate(page_size);
    Page { items: taken, next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(id: u64, name: &str, size: u64, is_folder: bool) -> Entry {
        Entry {
            id,
            name: name.into(),
            size,
            updated: Utc.timestamp_opt(1_700_000_000 + id as i64, 0).unwrap(),
            is_folder,
        }
    }

    fn names(p: &Page) -> Vec<&str> {
        p.items.iter().map(|e| e.name.as_str()).collect()
    }

    fn sample() -> Vec<Entry> {
        let mut v: Vec<Entry> = (0..5)
            .map(|i| entry(i + 1, &format!("f{i}"), 10 - i, false))
            .collect();
        v.push(entry(10, "dir_b", 0, true));
        v.push(entry(11, "dir_a", 0, true));
        v
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let c = Cursor {
            id: 42,
            name: "f06.txt".into(),
            size: 0,
            time: None,
            start_with_file: true,
        };
        let token = c.encode();
        let json = base64::engine::general_purpose::STANDARD
            .decode(&token)
            .unwrap();
        let text = String::from_utf8(json).unwrap();
        assert!(text.starts_with("{\"id\":"), "{text}");
        assert!(text.ends_with(",\"string\":\"f06.txt\",\"start_with_file\":true}"));
        assert_eq!(Cursor::decode(&token), Some(c));
        assert_eq!(Cursor::decode("garbage"), None);
        assert_eq!(Cursor::decode("e30="), None, "{{}} names no file");
        let timed = Cursor::after(&entry(3, "x", 1, false), OrderKey::Updated, false);
        assert_eq!(Cursor::decode(&timed.encode()), Some(timed));
    }

    #[test]
    fn folders_come_first_in_both_directions() {
        let p = paginate(sample(), OrderKey::Name, false, 100, None, false);
        assert_eq!(names(&p), ["dir_a", "dir_b", "f0", "f1", "f2", "f3", "f4"]);
        assert!(p.next.is_none());
        let p = paginate(sample(), OrderKey::Name, true, 100, None, false);
        assert_eq!(names(&p), ["dir_b", "dir_a", "f4", "f3", "f2", "f1", "f0"]);
        let p = paginate(sample(), OrderKey::Size, true, 3, None, false);
        assert_eq!(names(&p), ["dir_a", "dir_b", "f0"]);
        let p = paginate(sample(), OrderKey::Id, false, 100, None, false);
        assert_eq!(names(&p), ["dir_b", "dir_a", "f0", "f1", "f2", "f3", "f4"]);
    }

    #[test]
    fn following_tokens_lists_everything_once() {
        for size in 1..=8 {
            let mut seen = Vec::new();
            let mut cursor: Option<Cursor> = None;
            loop {
                let p = paginate(
                    sample(),
                    OrderKey::Name,
                    false,
                    size,
                    cursor.as_ref(),
                    false,
                );
                seen.extend(p.items.iter().map(|e| e.name.clone()));
                match p.next {
                    Some(c) => cursor = Some(Cursor::decode(&c.encode()).unwrap()),
                    None => break,
                }
            }
            assert_eq!(seen.len(), 7, "page size {size}: {seen:?}");
        }
    }

    #[test]
    fn mixed_listings_ignore_the_folder_split() {
        let p = paginate(sample(), OrderKey::Id, false, 3, None, true);
        assert_eq!(names(&p), ["f0", "f1", "f2"]);
        assert!(!p.next.as_ref().unwrap().start_with_file);
    }
}
