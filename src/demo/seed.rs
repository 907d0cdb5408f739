//! The sample drive of `--seed`: the demo account and a drive worth exploring — nested
//! folders, text files, images, a folder with 10,000 entries, a file with two versions.

use super::store::{Entity, Store};
use super::{AppState, Demo};
use anyhow::Context as _;
use chrono::{Duration, Utc};

pub const DEMO_EMAIL: &str = "demo@reve.local";
pub const DEMO_PASSWORD: &str = "demo-password";
/// Entries in the big folder: enough to exercise paging (pages of up to 2,000).
pub const BIG_FOLDER_ENTRIES: usize = 10_000;
pub const BIG_FOLDER: &str = "Big folder";

pub fn seed(state: &AppState) -> anyhow::Result<()> {
    let mut store = state.lock();
    let uid = store.create_user(DEMO_EMAIL, DEMO_PASSWORD, Some("en-US".into()));
    if let Some(u) = store.user_mut(uid) {
        u.nickname = "Demo".into();
    }
    let root = store.user(uid).context("demo user vanished")?.root;
    let mut tree = Tree {
        store: &mut store,
        demo: state,
        owner: uid,
    };

    let docs = tree.folder(root, "Documents");
    tree.file(docs, "README.md", README.as_bytes())?;
    tree.file(
        docs,
        "todo.txt",
        b"- try reve\n- share a folder\n- upload something big\n",
    )?;
    let report = tree.file(docs, "report 2026.txt", b"Quarterly report, first draft.\n")?;
    tree.add_version(
        report,
        b"Quarterly report, final version.\nNumbers are up.\n",
    )?;
    let projects = tree.folder(docs, "Projects");
    let reve = tree.folder(projects, "reve");
    tree.file(
        reve,
        "design.txt",
        b"Dual pane. Keyboard first. Never lose a byte.\n",
    )?;
    tree.file(
        reve,
        "notes 100% #1.md",
        b"Names with %, # and spaces survive.\n",
    )?;
    let intl = tree.folder(docs, "日本語フォルダ");
    tree.file(intl, "こんにちは.txt", "こんにちは、世界\n".as_bytes())?;

    let pictures = tree.folder(root, "Pictures");
    tree.file(
        pictures,
        "sunset.png",
        &gradient_png(640, 400, [255, 120, 40], [60, 20, 120])?,
    )?;
    tree.file(
        pictures,
        "sea.png",
        &gradient_png(300, 300, [0, 90, 200], [200, 240, 255])?,
    )?;
    tree.file(pictures, "forest.jpg", &gradient_jpeg(400, 300)?)?;

    tree.folder(root, "Music");

    let big = tree.folder(root, BIG_FOLDER);
    for i in 0..BIG_FOLDER_ENTRIES {
        // Content-less files keep seeding fast and the data dir small.
        let name = format!("entry-{i:05}.txt");
        tree.store
            .insert_node(uid, Some(big), &name, false, Utc::now());
    }
    Ok(())
}

const README: &str = "# Welcome to the reve demo drive\n\n\
This drive lives in reve's embedded demo server. Everything here is disposable:\n\
browse, rename, upload, share and delete as you like.\n";

/// Small helper that builds nodes with content for one owner.
struct Tree<'a> {
    store: &'a mut Store,
    demo: &'a Demo,
    owner: u64,
}

impl Tree<'_> {
    fn folder(&mut self, parent: u64, name: &str) -> u64 {
        self.store
            .insert_node(self.owner, Some(parent), name, true, Utc::now())
    }

    fn file(&mut self, parent: u64, name: &str, bytes: &[u8]) -> anyhow::Result<u64> {
        let node = self.store.insert_node(
            self.owner,
            Some(parent),
            name,
            false,
            Utc::now() - Duration::days(3),
        );
        self.add_version(node, bytes)?;
        Ok(node)
    }

    /// Stores `bytes` as a new current version of `node`.
    fn add_version(&mut self, node: u64, bytes: &[u8]) -> anyhow::Result<()> {
        let entity = self.store.new_id();
        let path = self.demo.blob_path(entity);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.store.entities.insert(
            entity,
            Entity {
                id: entity,
                size: bytes.len() as u64,
                kind: 0,
                created_at: Utc::now(),
                created_by: self.owner,
            },
        );
        if let Some(n) = self.store.files.get_mut(&node) {
            n.primary = Some(entity);
            n.versions.push(entity);
            n.updated_at = Utc::now();
        }
        Ok(())
    }
}

fn gradient_png(w: u32, h: u32, from: [u8; 3], to: [u8; 3]) -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let t = (x + y) as f32 / (w + h) as f32;
        let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t) as u8;
        image::Rgb([
            mix(from[0], to[0]),
            mix(from[1], to[1]),
            mix(from[2], to[2]),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn gradient_jpeg(w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8 / 3, 100 + (y % 100) as u8, 60])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}
