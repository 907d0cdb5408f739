//! The settings screen as text: `insta` snapshots of every tab on a `TestBackend` at 80×24 and
//! 50×15, with errors and hostile server strings. Every state comes from running the reducer
//! over keys and worker answers, as the loop would.

mod common;

use common::tui::{press, type_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reve::api::models::{Capacity, DavAccount, Secret, User, UserSettings};
use reve::app::command::{Command, RequestId};
use reve::app::msg::{Account, Failure, Msg, WorkerEvent};
use reve::app::settings::{AvatarPicture, ProInfo, Profile, SettingsCall, SettingsReply};
use reve::app::state::{Startup, State};
use reve::app::update;
use std::path::PathBuf;
use std::sync::Arc;

const SIZES: [(u16, u16); 2] = [(80, 24), (50, 15)];
/// What a hostile server might put in a nickname: a screen clear, a title change, an OSC 52
/// clipboard write, a bidi override.
const HOSTILE: &str = "\x1b[2J\x1b]0;pwned\x07Eve\x1b]52;c;ZXZpbA==\x07 \u{202e}gpj.exe";

fn user(nickname: &str, group: &str) -> User {
    serde_json::from_value(serde_json::json!({
        "id": "lx2fj",
        "email": "ada@example.com",
        "nickname": nickname,
        "created_at": "2025-03-04T05:06:07Z",
        "group": {"id": "g1", "name": group},
        "language": "en-US",
        "avatar": "file"
    }))
    .unwrap()
}

fn profile(nickname: &str) -> Profile {
    Profile {
        user: user(nickname, "Admin"),
        settings: UserSettings {
            version_retention_enabled: true,
            version_retention_max: 10,
            version_retention_ext: vec!["docx".into(), "md".into()],
            passkeys: vec![
                serde_json::from_value(serde_json::json!({
                    "id": "pk1", "name": "laptop \x1b[31mkey",
                    "used_at": "2026-11-20T08:00:00Z"
                }))
                .unwrap(),
            ],
            ..UserSettings::default()
        },
        capacity: Some(Capacity {
            used: 3 << 30,
            total: 10 << 30,
            storage_pack_total: None,
        }),
        pro: None,
    }
}

fn pro_profile() -> Profile {
    let mut p = profile("Ada Lovelace");
    p.user.credit = Some(120);
    p.pro = Some(ProInfo {
        policies: vec![
            serde_json::from_value(
                serde_json::json!({"id": "p1", "name": "Default storage", "type": "local"}),
            )
            .unwrap(),
        ],
        nodes: vec![
            serde_json::from_value(
                serde_json::json!({"id": "n1", "name": "Main node", "type": "master"}),
            )
            .unwrap(),
        ],
        groups: vec![
            serde_json::from_value(serde_json::json!({"id": "g1", "name": "Admin"})).unwrap(),
            serde_json::from_value(serde_json::json!({"id": "g2", "name": "Plus"})).unwrap(),
        ],
        credit_changes: vec![
            serde_json::from_value(serde_json::json!({
                "changed_at": "2026-11-01T10:00:00Z", "diff": 100, "reason": "gift code"
            }))
            .unwrap(),
        ],
        payments: Vec::new(),
    });
    p
}

fn dav(id: &str, name: &str, password: &str) -> DavAccount {
    serde_json::from_value(serde_json::json!({
        "id": id, "created_at": "2025-03-04T05:06:07Z", "name": name,
        "uri": "cloudreve://my/Documents/Work", "password": password, "options": ""
    }))
    .unwrap()
}

fn startup() -> Startup {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.signed_in = true;
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "ada@example.com".into(),
        nickname: "Ada".into(),
    };
    s
}

fn requests(commands: &[Command]) -> Vec<(RequestId, SettingsCall)> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Settings { req, call } => Some((*req, call.clone())),
            _ => None,
        })
        .collect()
}

/// Answers the one request of `call`'s kind among `commands`.
fn answer(
    state: &mut State,
    commands: &[Command],
    pick: impl Fn(&SettingsCall) -> bool,
    reply: Result<SettingsReply, Failure>,
) -> Vec<Command> {
    let (req, _) = requests(commands)
        .into_iter()
        .find(|(_, c)| pick(c))
        .unwrap_or_else(|| panic!("no such request in {commands:?}"));
    update(state, Msg::Worker(WorkerEvent::Settings { req, reply }))
}

/// The screen opened at `size`, the profile loaded and the picture answered.
fn opened(size: (u16, u16), p: Profile, picture: AvatarPicture) -> State {
    let mut state = State::new(startup());
    update(
        &mut state,
        Msg::Resize {
            width: size.0,
            height: size.1,
        },
    );
    let commands = press(&mut state, "comma");
    let commands = answer(
        &mut state,
        &commands,
        |c| *c == SettingsCall::Load,
        Ok(SettingsReply::Loaded(Box::new(p))),
    );
    answer(
        &mut state,
        &commands,
        |c| matches!(c, SettingsCall::Avatar { .. }),
        Ok(SettingsReply::Avatar(picture)),
    );
    state
}

fn uploaded() -> AvatarPicture {
    AvatarPicture::Uploaded(Arc::new(image::DynamicImage::new_rgb8(200, 200)))
}

fn render(state: &State, size: (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|f| reve::ui::draw(f, state)).unwrap();
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    assert!(
        !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{202e}'),
        "control characters reached the screen:\n{out}"
    );
    out
}

fn snap(name: &str, size: (u16, u16), state: &State) {
    let text = render(state, size);
    insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
}

#[test]
fn profile_with_an_uploaded_picture() {
    for size in SIZES {
        let state = opened(size, profile("Ada Lovelace"), uploaded());
        snap("settings_profile", size, &state);
        // The picture's cells are reserved and left blank for the printer.
        let placement = reve::ui::settings::avatar_placement(
            &state,
            ratatui::layout::Rect::new(0, 0, size.0, size.1),
        );
        let p = placement.expect("a place for the picture");
        assert_eq!(p.area.width, p.area.height * 2);
        // The highlighted row (the nickname) is shown reversed.
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        terminal.draw(|f| reve::ui::draw(f, &state)).unwrap();
        let buf = terminal.backend().buffer();
        let row: String = (0..size.0).map(|x| buf[(x, 2)].symbol()).collect();
        let x = row.find("Ada Lovelace").expect("the nickname on row 2");
        let x = row[..x].chars().count() as u16;
        assert!(
            buf[(x, 2)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
    }
}

#[test]
fn profile_with_a_hostile_nickname_and_no_picture() {
    for size in SIZES {
        let mut p = profile(HOSTILE);
        p.user.group.as_mut().unwrap().name = "\x1b[5mVIP\x1b[0m".into();
        let state = opened(size, p, AvatarPicture::None);
        snap("settings_profile_hostile", size, &state);
    }
}

#[test]
fn profile_with_gravatar_unreachable() {
    for size in SIZES {
        let state = opened(
            size,
            profile("Ada Lovelace"),
            AvatarPicture::Gravatar {
                url: "https://www.gravatar.com/avatar/0bc8".into(),
                image: Err("cannot fetch the picture: connection refused".into()),
            },
        );
        snap("settings_profile_gravatar_offline", size, &state);
    }
}

#[test]
fn profile_upload_refused() {
    for size in SIZES {
        let mut state = opened(size, profile("Ada Lovelace"), uploaded());
        press(&mut state, "u");
        type_text(&mut state, "/home/me/notes.txt");
        let commands = press(&mut state, "enter");
        answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::UploadAvatar { .. }),
            Err(Failure::msg("Not a PNG, JPEG, GIF or WebP image")),
        );
        snap("settings_profile_upload_error", size, &state);
    }
}

#[test]
fn preferences_after_a_save() {
    for size in SIZES {
        let mut state = opened(size, profile("Ada Lovelace"), uploaded());
        let commands = press(&mut state, "2 j j j enter");
        let mut p = profile("Ada Lovelace");
        p.settings.disable_view_sync = true;
        answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::Patch(_)),
            Ok(SettingsReply::Saved(Box::new(p))),
        );
        snap("settings_preferences", size, &state);
    }
}

#[test]
fn security_with_a_passkey() {
    for size in SIZES {
        let mut state = opened(size, profile("Ada Lovelace"), uploaded());
        press(&mut state, "3 j j");
        snap("settings_security", size, &state);
    }
}

#[test]
fn security_wrong_current_password() {
    for size in SIZES {
        let mut state = opened(size, profile("Ada Lovelace"), uploaded());
        press(&mut state, "3 enter");
        type_text(&mut state, "guess");
        press(&mut state, "tab");
        type_text(&mut state, "new-secret");
        press(&mut state, "tab");
        type_text(&mut state, "new-secret");
        let commands = press(&mut state, "enter");
        answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::ChangePassword { .. }),
            Err(Failure {
                message: "Incorrect password (code 40069)".into(),
                code: Some(40069),
                ..Failure::default()
            }),
        );
        snap("settings_security_password_error", size, &state);
    }
}

#[test]
fn security_two_factor_setup_with_qr() {
    for size in SIZES {
        let mut state = opened(size, profile("Ada Lovelace"), uploaded());
        let commands = press(&mut state, "3 j enter");
        answer(
            &mut state,
            &commands,
            |c| *c == SettingsCall::PrepareTwoFa,
            Ok(SettingsReply::TwoFaSecret {
                secret: Secret::new("45SOTTJEMW3AH3VVQMEPMNHDSN5MV2CV"),
                uri: "otpauth://totp/Cloudreve:Ada%20Lovelace?secret=45SOTTJEMW3AH3VVQMEPMNHDSN5MV2CV&issuer=Cloudreve".into(),
            }),
        );
        snap("settings_security_2fa", size, &state);
    }
}

fn webdav_state(size: (u16, u16)) -> State {
    let mut state = opened(size, profile("Ada Lovelace"), uploaded());
    let commands = press(&mut state, "4");
    answer(
        &mut state,
        &commands,
        |c| *c == SettingsCall::ListDav,
        Ok(SettingsReply::Dav(vec![
            dav("d1", "laptop", "Xk29sLw0pQ"),
            dav("d2", "phone \x1b[31m(red)", "Mn72kPq8zZ"),
        ])),
    );
    state
}

#[test]
fn webdav_list_with_a_revealed_password() {
    for size in SIZES {
        let mut state = webdav_state(size);
        press(&mut state, "j v");
        snap("settings_webdav", size, &state);
    }
}

#[test]
fn webdav_new_account_form_and_delete_confirmation() {
    for size in SIZES {
        let mut state = webdav_state(size);
        press(&mut state, "n");
        type_text(&mut state, "tablet");
        press(&mut state, "tab tab space");
        snap("settings_webdav_new", size, &state);
        press(&mut state, "esc d");
        snap("settings_webdav_delete", size, &state);
    }
}

#[test]
fn account_tab_on_pro() {
    for size in SIZES {
        let mut state = opened(size, pro_profile(), uploaded());
        press(&mut state, "5");
        snap("settings_account", size, &state);
    }
}

#[test]
fn loading_and_a_load_error() {
    for size in SIZES {
        let mut state = State::new(startup());
        update(
            &mut state,
            Msg::Resize {
                width: size.0,
                height: size.1,
            },
        );
        let commands = press(&mut state, "comma");
        snap("settings_loading", size, &state);
        answer(
            &mut state,
            &commands,
            |c| *c == SettingsCall::Load,
            Err(Failure::msg("error sending request: connection refused")),
        );
        snap("settings_load_error", size, &state);
    }
}

fn sign_in_screen(size: (u16, u16)) -> State {
    let mut s = Startup::new(PathBuf::from("/home/me/work"));
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "new@example.com".into(),
        nickname: String::new(),
    };
    let mut state = State::new(s);
    update(
        &mut state,
        Msg::Resize {
            width: size.0,
            height: size.1,
        },
    );
    state
}

#[test]
fn sign_up_form_with_a_captcha() {
    // A small two-tone picture stands in for the server's CAPTCHA image.
    let picture = reve::app::msg::Picture {
        width: 24,
        height: 6,
        pixels: (0..24 * 6)
            .map(|i| {
                if i % 3 == 0 {
                    [0, 0, 0]
                } else {
                    [250, 250, 250]
                }
            })
            .collect(),
    };
    for size in SIZES {
        let mut state = sign_in_screen(size);
        let commands = press(&mut state, "ctrl-n");
        answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::SignInHelp { reset: false, .. }),
            Ok(SettingsReply::SignInHelp {
                server: "https://drive.example.com".into(),
                reset: false,
                challenge: Some(reve::app::msg::CaptchaChallenge {
                    ticket: "t1".into(),
                    picture: Some(picture.clone()),
                }),
            }),
        );
        press(&mut state, "tab");
        type_text(&mut state, "short");
        press(&mut state, "tab");
        type_text(&mut state, "short");
        press(&mut state, "enter");
        snap("sign_up_form", size, &state);
    }
}

#[test]
fn password_reset_link_form() {
    for size in SIZES {
        let mut state = sign_in_screen(size);
        let commands = press(&mut state, "ctrl-r");
        let commands = answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::SignInHelp { reset: true, .. }),
            Ok(SettingsReply::SignInHelp {
                server: "https://drive.example.com".into(),
                reset: true,
                challenge: None,
            }),
        );
        assert!(commands.is_empty());
        let commands = press(&mut state, "enter");
        answer(
            &mut state,
            &commands,
            |c| matches!(c, SettingsCall::SendReset { .. }),
            Ok(SettingsReply::ResetMailSent {
                email: "new@example.com".into(),
            }),
        );
        snap("password_reset_link", size, &state);
    }
}

#[test]
fn security_on_pro_with_a_linked_account() {
    for size in SIZES {
        let mut p = pro_profile();
        p.settings.open_id = Some(serde_json::json!([{"provider": 2}]));
        let mut state = opened(size, p, uploaded());
        press(&mut state, "3 j j j");
        snap("settings_security_pro", size, &state);
    }
}
