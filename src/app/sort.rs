//! Sort orders of a pane: folders always first, then name, size, modified time or type,
//! ascending or descending. Names compare "naturally" (`file2` before `file10`) and without
//! regard to case, like the file managers people know.

use super::entry::Entry;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortField {
    #[default]
    Name,
    Size,
    Modified,
    Type,
}

impl SortField {
    pub const ALL: [SortField; 4] = [
        SortField::Name,
        SortField::Size,
        SortField::Modified,
        SortField::Type,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortField::Name => "name",
            SortField::Size => "size",
            SortField::Modified => "modified",
            SortField::Type => "type",
        }
    }

    /// The server's `order_by` that yields pages in (nearly) this order, so later pages mostly
    /// append instead of landing in the middle of what is already shown.
    pub fn server_order(self) -> &'static str {
        match self {
            SortField::Name | SortField::Type => "name",
            SortField::Size => "size",
            SortField::Modified => "updated_at",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SortSpec {
    pub field: SortField,
    pub descending: bool,
}

impl SortSpec {
    /// The total order of entries: folders first (also when descending, like Cloudreve,
    /// C2-271), then the field, then the name, then the raw bytes so that no two distinct
    /// names compare equal.
    pub fn compare(&self, a: &Entry, b: &Entry) -> Ordering {
        let folders_first = b.is_folder().cmp(&a.is_folder());
        if folders_first != Ordering::Equal {
            return folders_first;
        }
        let by_field = match self.field {
            SortField::Name => Ordering::Equal,
            SortField::Size => a.size.cmp(&b.size),
            SortField::Modified => a.modified.cmp(&b.modified),
            SortField::Type => natural_cmp(a.extension(), b.extension()),
        };
        let ordering = by_field
            .then_with(|| natural_cmp(a.name(), b.name()))
            .then_with(|| a.name().cmp(b.name()));
        if self.descending {
            ordering.reverse()
        } else {
            ordering
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} {}",
            self.field.label(),
            if self.descending { "↓" } else { "↑" }
        )
    }
}

/// Case-insensitive comparison where runs of digits compare by value.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, ra) = split_digits(a);
                let (nb, rb) = split_digits(b);
                let ord = compare_numbers(na, nb);
                if ord != Ordering::Equal {
                    return ord;
                }
                (a, b) = (ra, rb);
            }
            (Some(&x), Some(&y)) if x.is_ascii() && y.is_ascii() => {
                let ord = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                (a, b) = (&a[1..], &b[1..]);
            }
            _ => return compare_unicode_rest(a, b),
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Compares two digit strings by value without parsing (they may be longer than any integer).
fn compare_numbers(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |s: &[u8]| -> usize { s.iter().take_while(|&&c| c == b'0').count() };
    let (a, b) = (&a[trim(a)..], &b[trim(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The slow path for non-ASCII text: compare lower-cased characters.
fn compare_unicode_rest(a: &[u8], b: &[u8]) -> Ordering {
    // Both slices start at a character boundary of valid UTF-8 (we only ever advance over
    // ASCII bytes), so the lossy conversion never replaces anything.
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let lower = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    lower(&a).cmp(&lower(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut names = vec![
            "file10", "File2", "file1", "a", "B", "file02", "日本", "Ärger",
        ];
        names.sort_by(|a, b| natural_cmp(a, b).then_with(|| a.cmp(b)));
        assert_eq!(
            names,
            [
                "a", "B", "file1", "File2", "file02", "file10", "Ärger", "日本"
            ]
        );
    }

    #[test]
    fn folders_first_in_both_directions() {
        let f = Entry::folder("zeta", 0);
        let a = Entry::file("alpha", 5, 0);
        for descending in [false, true] {
            let spec = SortSpec {
                field: SortField::Name,
                descending,
            };
            assert_eq!(spec.compare(&f, &a), Ordering::Less, "desc={descending}");
        }
    }

    #[test]
    fn fields() {
        let small = Entry::file("b", 1, 20);
        let big = Entry::file("a", 9, 10);
        let size = SortSpec {
            field: SortField::Size,
            descending: false,
        };
        assert_eq!(size.compare(&small, &big), Ordering::Less);
        let modified = SortSpec {
            field: SortField::Modified,
            descending: true,
        };
        assert_eq!(modified.compare(&small, &big), Ordering::Less);
        let by_type = SortSpec {
            field: SortField::Type,
            descending: false,
        };
        assert_eq!(
            by_type.compare(&Entry::file("z.md", 0, 0), &Entry::file("a.txt", 0, 0)),
            Ordering::Less
        );
    }
}
