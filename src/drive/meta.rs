//! Versions and tags of a file, read from `GET /file/info?extended=true` and the metadata map
//! (files-and-transfers.md §1.7, §3.12).

use crate::api::models::{Entity, File, MetadataPatch, Timestamp};

/// Metadata key prefix of tags (`tag:<name>`, value an optional colour).
pub const TAG_PREFIX: &str = "tag:";

/// One stored version of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The entity id: what `version set|rm` and `POST /file/url {entity}` take.
    pub id: String,
    pub size: u64,
    pub created_at: Timestamp,
    /// The version downloads return now (`primary_entity`).
    pub current: bool,
    /// Nickname of the uploader, when the server says.
    pub created_by: Option<String>,
}

/// The versions of `file` (entities of type 0 in its extended info), newest first.
pub fn versions(file: &File) -> Vec<Version> {
    let Some(info) = &file.extended_info else {
        return Vec::new();
    };
    let mut list: Vec<Version> = info
        .entities
        .iter()
        .filter(|e| e.kind == Entity::VERSION)
        .map(|e| Version {
            id: e.id.clone(),
            size: e.size,
            created_at: e.created_at,
            current: e.id == file.primary_entity,
            created_by: e
                .created_by
                .as_ref()
                .map(|u| u.nickname.clone())
                .filter(|n| !n.is_empty()),
        })
        .collect();
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    list
}

/// A tag of a file: its name and optional colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub color: Option<String>,
}

/// The tags in a metadata map, by name.
pub fn tags(file: &File) -> Vec<Tag> {
    file.metadata
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix(TAG_PREFIX)?;
            Some(Tag {
                name: name.to_string(),
                color: Some(v.clone()).filter(|c| !c.is_empty()),
            })
        })
        .collect()
}

/// Checks a tag name (the server refuses an empty one with "Invalid metadata key").
pub fn validate_tag_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a tag needs a name".into());
    }
    if name.chars().any(char::is_control) {
        return Err("a tag name may not hold control characters".into());
    }
    Ok(())
}

/// A colour the server accepts for a tag: `#rgb` or `#rrggbb` (others it refuses with
/// "Invalid metadata patch"; checking here gives a clearer message).
pub fn validate_tag_color(color: &str) -> Result<(), String> {
    let hex = color.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!(
            "{color:?} is not a colour: use #rgb or #rrggbb, e.g. #e91e63"
        ))
    }
}

/// The patch that adds (or recolours) a tag.
pub fn add_tag(name: &str, color: Option<&str>) -> Result<MetadataPatch, String> {
    validate_tag_name(name)?;
    if let Some(c) = color {
        validate_tag_color(c)?;
    }
    Ok(MetadataPatch::set(
        format!("{TAG_PREFIX}{name}"),
        color.unwrap_or_default(),
    ))
}

/// The patch that removes a tag.
pub fn remove_tag(name: &str) -> Result<MetadataPatch, String> {
    validate_tag_name(name)?;
    Ok(MetadataPatch::remove(format!("{TAG_PREFIX}{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::{ExtendedInfo, FileKind};
    use chrono::TimeZone as _;

    fn file_with(entities: Vec<Entity>, primary: &str) -> File {
        File {
            kind: FileKind::File,
            id: "f".into(),
            name: "a.txt".into(),
            created_at: chrono::Utc::now().into(),
            updated_at: chrono::Utc::now().into(),
            size: 1,
            metadata: [
                ("tag:work".to_string(), "#ff0000".to_string()),
                ("tag:todo".to_string(), String::new()),
                ("sys:restore_uri".to_string(), "x".to_string()),
            ]
            .into_iter()
            .collect(),
            path: "cloudreve://my/a.txt".into(),
            shared: false,
            capability: None,
            owned: true,
            primary_entity: primary.into(),
            folder_summary: None,
            extended_info: Some(ExtendedInfo {
                storage_policy: None,
                storage_used: 0,
                entities,
                shares: Vec::new(),
                direct_links: Vec::new(),
                view: None,
            }),
            permission: None,
        }
    }

    fn entity(id: &str, kind: i64, secs: i64) -> Entity {
        Entity {
            id: id.into(),
            size: 10,
            kind,
            created_at: chrono::Utc.timestamp_opt(secs, 0).unwrap().into(),
            storage_policy: None,
            created_by: None,
            encrypted_with: None,
        }
    }

    #[test]
    fn versions_are_newest_first_with_the_current_marked() {
        let f = file_with(
            vec![
                entity("old", Entity::VERSION, 100),
                entity("thumb", Entity::THUMBNAIL, 300),
                entity("new", Entity::VERSION, 200),
            ],
            "old",
        );
        let v = versions(&f);
        let ids: Vec<&str> = v.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["new", "old"], "thumbnails are not versions");
        assert!(!v[0].current && v[1].current);
        let mut plain = f.clone();
        plain.extended_info = None;
        assert!(versions(&plain).is_empty());
    }

    #[test]
    fn tags_round_trip_through_patches() {
        let f = file_with(Vec::new(), "");
        assert_eq!(
            tags(&f),
            vec![
                Tag {
                    name: "todo".into(),
                    color: None
                },
                Tag {
                    name: "work".into(),
                    color: Some("#ff0000".into())
                },
            ]
        );
        let add = add_tag("work", Some("#0f0")).unwrap();
        assert_eq!(
            (add.key.as_str(), add.value.as_deref()),
            ("tag:work", Some("#0f0"))
        );
        assert!(add_tag("x", Some("blue")).is_err());
        assert!(add_tag(" ", None).is_err());
        assert!(add_tag("a\x1bb", None).is_err());
        let rm = remove_tag("work").unwrap();
        assert!(rm.remove && rm.key == "tag:work");
    }
}
