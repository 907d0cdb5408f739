//! The sample drive of `--seed`: the demo account and a drive worth exploring — nested
//! folders, text and image files, a folder with 10,000 entries, a file with two versions, one
//! item in the trash, one share link and one finished archive task.
//!
//! Files are written with the upload area's own functions, so seeded files are stored exactly
//! like uploaded ones. The share and the task are made through the HTTP API after the server
//! listens, as a client would, so they go through the same code paths as everything else.

use super::http::ApiErr;
use super::upload::{write_new_file, write_version};
use super::{AppState, Demo};
use crate::api::uri::CrUri;
use anyhow::{Context as _, anyhow};
use chrono::Utc;

pub const DEMO_EMAIL: &str = "demo@reve.local";
pub const DEMO_PASSWORD: &str = "demo-password";
/// Entries in the big folder: enough to exercise paging (pages of up to 2,000).
pub const BIG_FOLDER_ENTRIES: usize = 10_000;
pub const BIG_FOLDER: &str = "Big folder";

/// Creates the account and its files (before the server listens).
pub fn seed(state: &AppState) -> anyhow::Result<()> {
    let (uid, root) = {
        let mut store = state.lock();
        let uid = store.create_user(DEMO_EMAIL, DEMO_PASSWORD, Some("en-US".into()));
        let user = store.user_mut(uid).context("demo user vanished")?;
        user.nickname = "Demo".into();
        (uid, user.root)
    };
    let tree = Tree {
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
    write_version(
        state,
        report,
        uid,
        b"Quarterly report, final version.\nNumbers are up.\n",
    )
    .map_err(api_err)?;
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
    tree.file(
        docs,
        "old draft.txt",
        b"An old draft, waiting in the trash.\n",
    )?;

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
    let mut store = state.lock();
    for i in 0..BIG_FOLDER_ENTRIES {
        // Content-less files (like `POST /file/create` makes) keep seeding fast and small.
        store.insert_node(
            uid,
            Some(big),
            &format!("entry-{i:05}.txt"),
            false,
            Utc::now(),
        );
    }
    Ok(())
}

/// Adds what is best made through the API (after the server listens): a file in the trash,
/// a share link and a finished archive task.
pub async fn seed_over_http(base_url: &str) -> anyhow::Result<()> {
    use crate::api::{Client, ClientConfig, DeleteOptions};
    let client = Client::new(ClientConfig::new(base_url))?;
    client.login(DEMO_EMAIL, DEMO_PASSWORD).await?;
    let path = |p: &str| CrUri::from_user_input(p).map_err(|e| anyhow!("{e}"));
    client
        .delete(
            &[path("/Documents/old draft.txt")?],
            DeleteOptions::default(),
        )
        .await?;
    client
        .create_share(&crate::api::models::ShareRequest {
            uri: path("/Documents/Projects")?.to_string(),
            show_readme: true,
            ..Default::default()
        })
        .await?;
    let task = client
        .create_archive(&[path("/Pictures")?], &path("/Documents/pictures.zip")?)
        .await?;
    // Wait for the task, so every seeded drive looks the same to whoever uses it first.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let page = client
            .list_tasks(crate::api::models::TaskCategory::General, 10, None)
            .await?;
        if page
            .tasks
            .iter()
            .any(|t| t.id == task.id && t.status.is_finished())
        {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(anyhow!("the seeded archive task did not finish"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.logout().await?;
    Ok(())
}

const README: &str = "# Welcome to the reve demo drive\n\n\
This drive lives in reve's embedded demo server. Everything here is disposable:\n\
browse, rename, upload, share and delete as you like.\n";

fn api_err(e: ApiErr) -> anyhow::Error {
    anyhow!("seeding failed: {} (code {})", e.msg, e.code)
}

/// Builds nodes for one owner.
struct Tree<'a> {
    demo: &'a Demo,
    owner: u64,
}

impl Tree<'_> {
    fn folder(&self, parent: u64, name: &str) -> u64 {
        self.demo
            .lock()
            .insert_node(self.owner, Some(parent), name, true, Utc::now())
    }

    fn file(&self, parent: u64, name: &str, bytes: &[u8]) -> anyhow::Result<u64> {
        write_new_file(self.demo, self.owner, parent, name, bytes).map_err(api_err)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::TaskCategory;
    use crate::api::{Client, ClientConfig, ListQuery};
    use crate::demo::{DemoConfig, start};

    #[tokio::test(flavor = "multi_thread")]
    async fn seeded_drive_has_everything_the_issue_promises() {
        let server = start(DemoConfig {
            seed: true,
            ..DemoConfig::default()
        })
        .await
        .unwrap();
        let client = Client::new(ClientConfig::new(server.base_url())).unwrap();
        client.login(DEMO_EMAIL, DEMO_PASSWORD).await.unwrap();
        let q = ListQuery::default();
        let root = client.list_all(&CrUri::my_root(), &q).await.unwrap();
        let names: Vec<&str> = root.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Documents", "Pictures", "Music", BIG_FOLDER]);
        let big = client
            .list_all(&CrUri::my_root().join(BIG_FOLDER), &q)
            .await
            .unwrap();
        assert_eq!(big.files.len(), BIG_FOLDER_ENTRIES);
        let trash = client
            .list_all(&CrUri::root(crate::api::uri::FileSystem::Trash), &q)
            .await
            .unwrap();
        assert_eq!(trash.files.len(), 1);
        assert_eq!(trash.files[0].name, "old draft.txt");
        let shares = client.list_shares(&Default::default()).await.unwrap();
        assert_eq!(shares.shares.len(), 1);
        let report = client
            .file_info(
                &CrUri::from_user_input("/Documents/report 2026.txt").unwrap(),
                crate::api::InfoOptions {
                    extended: true,
                    folder_summary: false,
                },
            )
            .await
            .unwrap();
        let versions = report
            .extended_info
            .map(|e| e.entities)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.kind == 0)
            .count();
        assert_eq!(versions, 2);
        let tasks = client
            .list_tasks(TaskCategory::General, 10, None)
            .await
            .unwrap();
        assert_eq!(tasks.tasks.len(), 1);
    }
}
