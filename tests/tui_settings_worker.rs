//! The settings screen end to end against the in-process demo server: keys go through the
//! reducer, its commands through the real worker, the answers back into the reducer, and
//! frames are rendered on a `TestBackend` with a fake image printer that records what would
//! have been printed with viuer.

mod common;

use common::{demo_client, seeded_server, totp_now};
use image::{DynamicImage, GenericImageView as _, Rgb, RgbImage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use reve::api::Client;
use reve::app::command::Command;
use reve::app::keymap::KeyChord;
use reve::app::msg::{Account, Msg, WorkerEvent};
use reve::app::settings::{AvatarPicture, AvatarView, FormPurpose, SettingsReply};
use reve::app::state::{Screen, Startup, State};
use reve::app::update;
use reve::demo::{DemoHandle, seed};
use reve::ui::image::{ImagePrinter, ImageSlot};
use reve::worker::{self, WorkerSetup};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// What the fake printer was asked to do.
#[derive(Debug, Clone, PartialEq)]
enum Printed {
    Picture {
        area: Rect,
        width: u32,
        height: u32,
        /// The centre pixel, to tell pictures apart.
        centre: [u8; 3],
    },
    Erased(Rect),
}

#[derive(Clone, Default)]
struct FakePrinter(Arc<Mutex<Vec<Printed>>>);

impl FakePrinter {
    fn calls(&self) -> Vec<Printed> {
        self.0.lock().unwrap().clone()
    }

    fn last_picture(&self) -> Option<Printed> {
        self.calls()
            .into_iter()
            .rev()
            .find(|c| matches!(c, Printed::Picture { .. }))
    }
}

impl ImagePrinter for FakePrinter {
    fn print(&mut self, area: Rect, image: &DynamicImage) -> std::io::Result<()> {
        let (w, h) = image.dimensions();
        let c = image.get_pixel(w / 2, h / 2).0;
        self.0.lock().unwrap().push(Printed::Picture {
            area,
            width: w,
            height: h,
            centre: [c[0], c[1], c[2]],
        });
        Ok(())
    }

    fn erase(&mut self, area: Rect) -> std::io::Result<()> {
        self.0.lock().unwrap().push(Printed::Erased(area));
        Ok(())
    }
}

struct Harness {
    state: State,
    commands: UnboundedSender<Command>,
    events: UnboundedReceiver<WorkerEvent>,
    terminal: Terminal<TestBackend>,
    slot: ImageSlot,
    printer: FakePrinter,
    clipboard: Vec<String>,
}

impl Harness {
    fn new(server: &DemoHandle, client: Client) -> Harness {
        let (commands, events) = worker::spawn(WorkerSetup {
            client: Some(client),
            persist: None,
        });
        let mut startup = Startup::new(std::env::temp_dir());
        startup.signed_in = true;
        startup.account = Account {
            server: server.base_url(),
            email: seed::DEMO_EMAIL.into(),
            nickname: String::new(),
        };
        Harness {
            state: State::new(startup),
            commands,
            events,
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
            slot: ImageSlot::default(),
            printer: FakePrinter::default(),
            clipboard: Vec::new(),
        }
    }

    /// The sign-in screen of `server`, nobody signed in.
    fn signed_out(server: &DemoHandle) -> Harness {
        let (commands, events) = worker::spawn(WorkerSetup::default());
        let mut startup = Startup::new(std::env::temp_dir());
        startup.account = Account {
            server: server.base_url(),
            email: String::new(),
            nickname: String::new(),
        };
        Harness {
            state: State::new(startup),
            commands,
            events,
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
            slot: ImageSlot::default(),
            printer: FakePrinter::default(),
            clipboard: Vec::new(),
        }
    }

    fn perform(&mut self, commands: Vec<Command>) {
        for c in commands {
            match c {
                Command::CopyToClipboard(text) => self.clipboard.push(text),
                // The panes are not under test here.
                Command::List { .. } | Command::Watch { .. } | Command::FetchCapacity => {}
                other => self.commands.send(other).unwrap(),
            }
        }
    }

    fn update(&mut self, msg: Msg) {
        let commands = update(&mut self.state, msg);
        self.perform(commands);
    }

    /// Answers a picture request of the screen with `picture`, as the worker would.
    fn answer_avatar(&mut self, picture: AvatarPicture) {
        let req = self.state.next_request();
        self.state
            .settings
            .waiting
            .insert(req, reve::app::settings::Waiting::Avatar);
        self.update(Msg::Worker(WorkerEvent::Settings {
            req,
            reply: Ok(SettingsReply::Avatar(picture)),
        }));
    }

    /// Feeds the worker's answers in until the screen waits for nothing.
    async fn settle(&mut self) {
        while self.state.settings.is_busy() || self.state.signin.busy.is_some() {
            let event = tokio::time::timeout(Duration::from_secs(30), self.events.recv())
                .await
                .expect("the worker answered in time")
                .expect("the worker runs");
            self.update(Msg::Worker(event));
        }
        self.render();
    }

    /// Presses keys one by one, each after the answers to the one before (as a user would).
    async fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let c = KeyChord::parse(k).unwrap();
            self.update(Msg::Key(crossterm::event::KeyEvent::new(c.code, c.mods)));
            self.settle().await;
        }
    }

    async fn type_text(&mut self, text: &str) {
        self.update(Msg::Paste(text.to_string()));
        self.settle().await;
    }

    async fn clear_field(&mut self) {
        for _ in 0..60 {
            self.update(Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Backspace,
                crossterm::event::KeyModifiers::NONE,
            )));
        }
        self.settle().await;
    }

    fn render(&mut self) {
        reve::tui::render(
            &mut self.terminal,
            &mut self.state,
            &mut self.slot,
            &mut self.printer,
        )
        .unwrap();
    }

    fn screen_text(&self) -> String {
        let buf = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn note(&self) -> String {
        self.state
            .settings
            .note
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }

    fn form_error(&self) -> String {
        self.state
            .settings
            .form
            .as_ref()
            .and_then(|f| f.error.clone())
            .unwrap_or_default()
    }
}

async fn harness() -> (DemoHandle, Harness) {
    let server = seeded_server().await;
    let client = demo_client(&server.base_url()).await;
    let h = Harness::new(&server, client);
    (server, h)
}

/// A non-square picture: blue on the left and right edges, green in the middle.
fn landscape_png(dir: &std::path::Path) -> std::path::PathBuf {
    let img = RgbImage::from_fn(300, 180, |x, _| {
        if !(60..240).contains(&x) {
            Rgb([0, 0, 255])
        } else {
            Rgb([0, 200, 0])
        }
    });
    let path = dir.join("me.png");
    img.save(&path).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_picture_shows_initials_then_an_upload_is_printed() {
    let (_server, mut h) = harness().await;
    h.press("comma").await;
    assert_eq!(h.state.screen, Screen::Settings);
    // The demo account has no picture (404): initials, nothing printed.
    assert!(
        matches!(
            &h.state.settings.avatar,
            AvatarView::Initials { note: None, .. }
        ),
        "{:?}",
        h.state.settings.avatar
    );
    assert_eq!(h.printer.last_picture(), None);
    // Upload a 300×180 picture by path.
    let dir = tempfile::tempdir().unwrap();
    let path = landscape_png(dir.path());
    h.press("u").await;
    h.clear_field().await;
    h.type_text(&path.display().to_string()).await;
    h.press("enter").await;
    assert_eq!(h.note(), "Profile picture updated", "{}", h.form_error());
    // The server stores 200×200; the centre-cropped middle is green.
    match h.printer.last_picture() {
        Some(Printed::Picture {
            width,
            height,
            centre,
            area,
        }) => {
            assert_eq!((width, height), (200, 200));
            assert!(centre[1] > 150, "{centre:?}");
            assert!(centre[2] < 80, "the blue edges were cropped: {centre:?}");
            assert_eq!(area.width, area.height * 2, "a square on the screen");
        }
        other => panic!("nothing printed: {other:?}"),
    }
    // Redrawing without a change prints nothing new.
    let before = h.printer.calls().len();
    h.render();
    h.render();
    assert_eq!(h.printer.calls().len(), before);
    // Another tab erases it; coming back prints it again.
    h.press("2").await;
    assert!(matches!(h.printer.calls().last(), Some(Printed::Erased(_))));
    h.press("1").await;
    assert!(matches!(
        h.printer.calls().last(),
        Some(Printed::Picture { width: 200, .. })
    ));
    // Leaving the screen erases it.
    h.press("esc").await;
    assert!(matches!(h.printer.calls().last(), Some(Printed::Erased(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_picture_is_refused_in_place() {
    let (_server, mut h) = harness().await;
    h.press("comma").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.png");
    std::fs::write(&path, b"hello, not a picture").unwrap();
    h.press("u").await;
    h.clear_field().await;
    h.type_text(&path.display().to_string()).await;
    h.press("enter").await;
    assert!(h.state.settings.form.is_some(), "the form stays open");
    assert!(
        h.form_error().contains("ot a PNG, JPEG, GIF or WebP image"),
        "{}",
        h.form_error()
    );
    assert!(h.screen_text().contains("ot a PNG"), "{}", h.screen_text());
}

/// A stand-in for gravatar.com: serves a red picture and records the request headers.
async fn gravatar_stub() -> (String, Arc<Mutex<Vec<axum::http::HeaderMap>>>) {
    let seen: Arc<Mutex<Vec<axum::http::HeaderMap>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().route(
        "/avatar/{hash}",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push(headers);
                let img = RgbImage::from_pixel(80, 80, Rgb([220, 20, 20]));
                let mut png = Vec::new();
                img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                    .unwrap();
                ([(axum::http::header::CONTENT_TYPE, "image/png")], png)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

/// The avatar answer as the worker makes it, with the Gravatar host replaced by `host`.
async fn gravatar_answer(client: &Client, host: &str) -> reve::app::settings::AvatarPicture {
    let me = client.me().await.unwrap();
    let host = host.to_string();
    reve::worker::settings::avatar_picture(client, &me.id, true, move |url| async move {
        assert!(url.starts_with("https://www.gravatar.com/avatar/"), "{url}");
        let local = url.replacen("https://www.gravatar.com", &host, 1);
        reve::avatar::fetch_external(&local, Duration::from_secs(5)).await
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_to_gravatar_shows_the_gravatar_picture_fetched_without_the_token() {
    let (server, mut h) = harness().await;
    h.press("comma").await;
    h.press("g").await;
    h.press("y").await;
    assert_eq!(h.note(), "Switched to Gravatar");
    // The worker fetched www.gravatar.com itself (reachable or not); answer the screen's
    // next picture request with the stand-in instead, as the worker would.
    let (host, seen) = gravatar_stub().await;
    let client = demo_client(&server.base_url()).await;
    let picture = gravatar_answer(&client, &host).await;
    h.answer_avatar(picture);
    h.render();
    assert!(matches!(
        h.printer.last_picture(),
        Some(Printed::Picture {
            width: 80,
            height: 80,
            centre: [220, 20, 20],
            ..
        })
    ));
    let headers = seen.lock().unwrap().clone();
    assert_eq!(headers.len(), 1);
    assert!(
        headers[0].get(axum::http::header::AUTHORIZATION).is_none(),
        "no Cloudreve token goes to Gravatar"
    );
    assert!(h.screen_text().contains("Gravatar"), "{}", h.screen_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gravatar_unreachable_shows_initials() {
    let (server, mut h) = harness().await;
    h.press("comma g y").await;
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let client = demo_client(&server.base_url()).await;
    let picture = gravatar_answer(&client, &closed).await;
    h.answer_avatar(picture);
    h.render();
    match &h.state.settings.avatar {
        AvatarView::Initials { letters, note } => {
            assert!(!letters.is_empty());
            assert!(note.as_deref().unwrap().contains("Gravatar is unreachable"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.printer.last_picture(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_on_sign_out_sign_in_with_a_code_then_off() {
    let (_server, mut h) = harness().await;
    h.press("comma 3 j enter").await;
    let secret = match &h.state.settings.form.as_ref().expect("2FA form").purpose {
        FormPurpose::TwoFaEnable { secret, qr, .. } => {
            assert!(!qr.is_empty());
            secret.expose().to_string()
        }
        other => panic!("{other:?}"),
    };
    assert!(h.screen_text().contains(&secret), "{}", h.screen_text());
    h.type_text(&totp_now(&secret)).await;
    h.press("enter").await;
    assert!(
        h.note().starts_with("Two-factor authentication is on"),
        "{}",
        h.form_error()
    );
    // Sign out: back to the sign-in screen.
    h.press("j enter y").await;
    assert_eq!(h.state.screen, Screen::SignIn);
    // Sign in again: the password, then a code.
    h.type_text(seed::DEMO_PASSWORD).await;
    h.press("enter").await;
    assert_eq!(h.state.screen, Screen::SignIn);
    h.type_text(&totp_now(&secret)).await;
    h.press("enter").await;
    assert_eq!(
        h.state.screen,
        Screen::Browser,
        "{:?}",
        h.state.signin.error
    );
    // And off again, with a code.
    h.press("comma 3 j enter").await;
    assert_eq!(
        h.state.settings.form.as_ref().unwrap().purpose,
        FormPurpose::TwoFaDisable
    );
    h.type_text(&totp_now(&secret)).await;
    h.press("enter").await;
    assert_eq!(
        h.note(),
        "Two-factor authentication is off",
        "{}",
        h.form_error()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webdav_accounts_round_trip() {
    let (server, mut h) = harness().await;
    h.press("comma 4").await;
    let before = h.state.settings.dav.as_ref().expect("listed").len();
    h.press("n").await;
    h.type_text("phone").await;
    h.press("tab").await;
    h.clear_field().await;
    h.type_text("/Documents").await;
    h.press("tab space enter").await;
    assert_eq!(
        h.note(),
        "WebDAV account “phone” saved",
        "{}",
        h.form_error()
    );
    let list = h.state.settings.dav.clone().unwrap();
    assert_eq!(list.len(), before + 1);
    let created = list.last().unwrap().clone();
    assert!(created.read_only());
    assert!(created.uri.ends_with("/Documents"), "{}", created.uri);
    // The password is hidden until revealed, then copied with the address.
    assert!(!h.screen_text().contains(created.password.expose()));
    h.press("v").await;
    assert!(h.screen_text().contains(created.password.expose()));
    h.press("c").await;
    assert_eq!(
        h.clipboard.last().unwrap(),
        &format!(
            "{}/dav/\n{}\n{}",
            server.base_url(),
            seed::DEMO_EMAIL,
            created.password.expose()
        )
    );
    // Edit: a new name, read-only off.
    h.press("enter").await;
    h.type_text("-2").await;
    h.press("tab tab space enter").await;
    let edited = h
        .state
        .settings
        .dav
        .clone()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(edited.name, "phone-2");
    assert!(!edited.read_only());
    // The server agrees.
    let client = demo_client(&server.base_url()).await;
    let page = client.list_dav_accounts(100, None).await.unwrap();
    assert!(
        page.accounts
            .iter()
            .any(|a| a.id == edited.id && a.name == "phone-2")
    );
    // Delete, after a confirmation.
    h.press("d y").await;
    assert_eq!(h.note(), "WebDAV account deleted");
    let page = client.list_dav_accounts(100, None).await.unwrap();
    assert!(page.accounts.iter().all(|a| a.id != edited.id));
    assert_eq!(h.state.settings.dav.as_ref().unwrap().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preference_is_saved_and_the_server_value_shown() {
    let (server, mut h) = harness().await;
    h.press("comma 2 j enter").await;
    h.clear_field().await;
    h.type_text("7").await;
    h.press("enter").await;
    assert_eq!(
        h.note(),
        "Saved. Versions kept (0 = all): 7",
        "{}",
        h.form_error()
    );
    let client = demo_client(&server.base_url()).await;
    assert_eq!(client.settings().await.unwrap().version_retention_max, 7);
    assert!(
        h.screen_text()
            .contains("Saved. Versions kept (0 = all): 7")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_current_password_is_shown_in_place() {
    let (server, mut h) = harness().await;
    h.press("comma 3 enter").await;
    h.type_text("not-the-password").await;
    h.press("tab").await;
    h.type_text("brand-new-1").await;
    h.press("tab").await;
    h.type_text("brand-new-1").await;
    h.press("enter").await;
    assert!(
        h.form_error().starts_with("The current password is wrong"),
        "{}",
        h.form_error()
    );
    assert!(h.form_error().contains("40069"), "{}", h.form_error());
    assert!(h.screen_text().contains("The current password is wrong"));
    // Nothing changed on the server.
    let client = demo_client(&server.base_url()).await;
    client.me().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_on_the_sign_in_screen_then_sign_in() {
    let server = seeded_server().await;
    let mut h = Harness::signed_out(&server);
    assert_eq!(h.state.screen, Screen::SignIn);
    h.press("ctrl-n").await;
    assert!(
        h.state.settings.form.is_some(),
        "{:?}",
        h.state.signin.error
    );
    assert!(
        h.screen_text().contains("Create an account"),
        "{}",
        h.screen_text()
    );
    h.type_text("newcomer@example.com").await;
    h.press("tab").await;
    h.type_text("newcomer-pass").await;
    h.press("tab").await;
    h.type_text("newcomer-pass").await;
    h.press("enter").await;
    assert!(h.state.settings.form.is_none(), "{}", h.form_error());
    assert_eq!(
        h.state.signin.notice.as_deref(),
        Some("Account created: sign in with it.")
    );
    assert_eq!(h.state.signin.email.value(), "newcomer@example.com");
    h.type_text("newcomer-pass").await;
    h.press("enter").await;
    assert_eq!(
        h.state.screen,
        Screen::Browser,
        "{:?}",
        h.state.signin.error
    );
    // The same address again is refused in place.
    let mut again = Harness::signed_out(&server);
    again.press("ctrl-n").await;
    again.type_text("newcomer@example.com").await;
    again.press("tab").await;
    again.type_text("whatever-1").await;
    again.press("tab").await;
    again.type_text("whatever-1").await;
    again.press("enter").await;
    assert!(
        again.form_error().contains("40032"),
        "{}",
        again.form_error()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_mails_a_link_and_a_wrong_link_is_refused() {
    let server = seeded_server().await;
    let mut h = Harness::signed_out(&server);
    h.press("ctrl-r").await;
    h.type_text(seed::DEMO_EMAIL).await;
    h.press("enter").await;
    let form = h.state.settings.form.as_ref().expect("the link form");
    assert!(
        matches!(form.purpose, FormPurpose::ResetLink { .. }),
        "{}",
        h.form_error()
    );
    assert!(
        h.screen_text().contains("Paste it here"),
        "{}",
        h.screen_text()
    );
    let me = demo_client(&server.base_url()).await.me().await.unwrap();
    h.type_text(&format!(
        "{}/session/reset?id={}&secret=not-the-secret",
        server.base_url(),
        me.id
    ))
    .await;
    h.press("tab").await;
    h.type_text("another-pass").await;
    h.press("tab").await;
    h.type_text("another-pass").await;
    h.press("enter").await;
    assert!(h.state.settings.form.is_some());
    assert!(!h.form_error().is_empty());
    // The old password still works.
    demo_client(&server.base_url()).await;
    // An unknown address is said in place.
    let mut other = Harness::signed_out(&server);
    other.press("ctrl-r").await;
    other.type_text("nobody@example.com").await;
    other.press("enter").await;
    assert!(
        other.form_error().contains("40021"),
        "{}",
        other.form_error()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_tab_only_on_pro_and_an_unknown_gift_code_is_refused() {
    // Community: no account tab.
    let (_server, mut h) = harness().await;
    h.press("comma").await;
    assert_eq!(h.state.settings.tabs().len(), 4);
    h.press("5").await;
    assert!(h.note().contains("Pro"), "{}", h.note());
    // Pro: the tab shows what the server has.
    let server = common::server(reve::demo::DemoConfig {
        seed: true,
        pro: true,
        ..reve::demo::DemoConfig::default()
    })
    .await;
    let client = demo_client(&server.base_url()).await;
    let mut h = Harness::new(&server, client);
    h.press("comma 5").await;
    assert_eq!(
        h.state.settings.current_tab(),
        reve::app::settings::Tab::Account
    );
    let pro = h
        .state
        .settings
        .profile
        .as_ref()
        .unwrap()
        .pro
        .clone()
        .unwrap();
    assert!(!pro.policies.is_empty());
    assert!(
        h.screen_text().contains(&pro.policies[0].name),
        "{}",
        h.screen_text()
    );
    h.press("enter").await;
    h.type_text("NO-SUCH-CODE").await;
    h.press("enter").await;
    assert!(h.form_error().contains("40065"), "{}", h.form_error());
}
