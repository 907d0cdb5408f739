//! Hash ids like the real server's ("rZsX", "7kF8"): short, opaque strings that encode a
//! number together with the kind of object, so an id of one kind never decodes as another.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Kind {
    User = 0,
    File = 1,
    Entity = 2,
    Share = 3,
    Group = 4,
    Policy = 5,
    Dav = 6,
    DirectLink = 7,
    Task = 8,
    Node = 9,
}

fn coder() -> &'static sqids::Sqids {
    static CODER: OnceLock<sqids::Sqids> = OnceLock::new();
    CODER.get_or_init(|| {
        sqids::Sqids::builder()
            .min_length(4)
            .build()
            .expect("static sqids alphabet is valid")
    })
}

pub fn encode(kind: Kind, n: u64) -> String {
    coder().encode(&[kind as u64, n]).unwrap_or_default()
}

/// The number behind `id` if it is an id of `kind`.
pub fn decode(kind: Kind, id: &str) -> Option<u64> {
    let nums = coder().decode(id);
    match nums.as_slice() {
        [k, n] if *k == kind as u64 && encode(kind, *n) == id => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_kind_separation() {
        for n in [0, 1, 42, 1_000_000] {
            let id = encode(Kind::File, n);
            assert!(id.len() >= 4);
            assert_eq!(decode(Kind::File, &id), Some(n));
            assert_eq!(decode(Kind::User, &id), None);
        }
        assert_eq!(decode(Kind::File, "not-an-id!"), None);
    }
}
