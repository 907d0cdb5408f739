//! Reducer tests of the settings screen: keys and answers in, state and commands out.

use super::*;
use crate::api::codes;
use crate::api::models::{DavAccount, User, UserSettings};
use crate::app::command::{Command, RequestId};
use crate::app::entry::Entry;
use crate::app::msg::{Account, Failure, Msg, Page, WorkerEvent};
use crate::app::state::{Screen, Startup, State};
use crate::app::test_support::{press, signed_in, type_text};
use crate::app::update;
use std::path::PathBuf;

fn user(nickname: &str) -> User {
    serde_json::from_value(serde_json::json!({
        "id": "lx2fj",
        "email": "me@example.com",
        "nickname": nickname,
        "created_at": "2025-03-04T05:06:07Z",
        "group": {"id": "g1", "name": "Admin"},
        "language": "en-US",
        "avatar": "file"
    }))
    .unwrap()
}

fn profile(pro: bool) -> Profile {
    Profile {
        user: user("Ada Lovelace"),
        settings: UserSettings {
            version_retention_enabled: true,
            version_retention_max: 10,
            passkeys: vec![
                serde_json::from_value(serde_json::json!({"id": "pk1", "name": "laptop"})).unwrap(),
            ],
            ..UserSettings::default()
        },
        capacity: None,
        pro: pro.then(ProInfo::default),
    }
}

fn dav(id: &str, name: &str) -> DavAccount {
    serde_json::from_value(serde_json::json!({
        "id": id, "created_at": "2025-03-04T05:06:07Z", "name": name,
        "uri": "cloudreve://my/Documents", "password": "pw-secret-1", "options": ""
    }))
    .unwrap()
}

fn state() -> State {
    let mut state = State::new(signed_in());
    let _ = state.load_panes();
    state
}

/// Empties the focused field.
fn clear(state: &mut State) {
    for _ in 0..40 {
        press(state, "backspace");
    }
}

/// The one settings request among `commands`.
fn call(commands: &[Command]) -> (RequestId, SettingsCall) {
    let found: Vec<_> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Settings { req, call } => Some((*req, call.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{commands:?}");
    found[0].clone()
}

/// The error shown on the open form (there must be both).
fn form_error(state: &State) -> &str {
    state
        .settings
        .form
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
}

fn reply(state: &mut State, req: RequestId, reply: Result<SettingsReply, Failure>) -> Vec<Command> {
    update(state, Msg::Worker(WorkerEvent::Settings { req, reply }))
}

/// Opens the screen and answers the load; returns the avatar request.
fn opened(pro: bool) -> (State, RequestId) {
    let mut s = state();
    let commands = press(&mut s, "comma");
    assert_eq!(s.screen, Screen::Settings);
    let (req, c) = call(&commands);
    assert_eq!(c, SettingsCall::Load);
    let commands = reply(
        &mut s,
        req,
        Ok(SettingsReply::Loaded(Box::new(profile(pro)))),
    );
    let (avatar_req, c) = call(&commands);
    assert_eq!(
        c,
        SettingsCall::Avatar {
            user_id: "lx2fj".into(),
            nocache: false
        }
    );
    (s, avatar_req)
}

fn picture(side: u32) -> std::sync::Arc<image::DynamicImage> {
    std::sync::Arc::new(image::DynamicImage::new_rgb8(side, side))
}

#[test]
fn comma_opens_and_esc_closes_cancelling_what_is_pending() {
    let mut s = state();
    let commands = press(&mut s, "comma");
    let (req, _) = call(&commands);
    assert_eq!(context(&s), crate::app::action::Context::Settings);
    let commands = press(&mut s, "esc");
    assert_eq!(s.screen, Screen::Browser);
    assert_eq!(commands, vec![Command::Cancel { req }]);
    // The late answer is dropped.
    reply(
        &mut s,
        req,
        Ok(SettingsReply::Loaded(Box::new(profile(false)))),
    );
    assert!(s.settings.profile.is_none());
    // `q` goes back too, and does not quit.
    press(&mut s, "comma q");
    assert_eq!(s.screen, Screen::Browser);
    assert!(!s.quit);
}

#[test]
fn the_picture_follows_the_server_answer() {
    let (mut s, req) = opened(false);
    reply(&mut s, req, Ok(SettingsReply::Avatar(AvatarPicture::None)));
    assert!(matches!(
        &s.settings.avatar,
        AvatarView::Initials { letters, note: None } if letters == "AL"
    ));
    // A refresh asks for the profile and, bypassing caches, the picture; the profile's
    // answer does not ask for the picture a second time.
    let commands = press(&mut s, "r");
    let load = commands
        .iter()
        .find_map(|c| match c {
            Command::Settings {
                req,
                call: SettingsCall::Load,
            } => Some(*req),
            _ => None,
        })
        .unwrap();
    assert!(commands.contains(&Command::Settings {
        req: RequestId(load.0 + 1),
        call: SettingsCall::Avatar {
            user_id: "lx2fj".into(),
            nocache: true
        }
    }));
    let commands = reply(
        &mut s,
        load,
        Ok(SettingsReply::Loaded(Box::new(profile(false)))),
    );
    assert!(commands.is_empty(), "{commands:?}");
    let (mut s, req) = opened(false);
    reply(
        &mut s,
        req,
        Ok(SettingsReply::Avatar(AvatarPicture::Gravatar {
            url: "https://www.gravatar.com/avatar/x".into(),
            image: Err("cannot fetch the picture: timed out".into()),
        })),
    );
    match &s.settings.avatar {
        AvatarView::Initials { letters, note } => {
            assert_eq!(letters, "AL");
            assert!(note.as_deref().unwrap().contains("Gravatar is unreachable"));
        }
        other => panic!("{other:?}"),
    }
    let (mut s, req) = opened(false);
    reply(
        &mut s,
        req,
        Ok(SettingsReply::Avatar(AvatarPicture::Uploaded(picture(200)))),
    );
    match &s.settings.avatar {
        AvatarView::Picture {
            image,
            generation,
            gravatar,
        } => {
            assert_eq!(image.width(), 200);
            assert_eq!(*generation, req.0);
            assert!(!gravatar);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn tabs_cycle_and_the_account_tab_needs_pro() {
    let (mut s, _) = opened(false);
    assert_eq!(s.settings.tabs().len(), 4);
    press(&mut s, "tab");
    assert_eq!(s.settings.current_tab(), Tab::Preferences);
    press(&mut s, "backtab backtab");
    assert_eq!(s.settings.current_tab(), Tab::WebDav);
    press(&mut s, "3");
    assert_eq!(s.settings.current_tab(), Tab::Security);
    press(&mut s, "5");
    assert_eq!(s.settings.current_tab(), Tab::Security);
    assert!(s.settings.note.as_ref().unwrap().text.contains("Pro"));
    let (mut s, _) = opened(true);
    press(&mut s, "5");
    assert_eq!(s.settings.current_tab(), Tab::Account);
    press(&mut s, "tab");
    assert_eq!(s.settings.current_tab(), Tab::Profile);
}

#[test]
fn nickname_is_edited_and_the_saved_value_shown() {
    let (mut s, _) = opened(false);
    assert_eq!(s.settings.current_row(), Some(Row::Nickname));
    press(&mut s, "enter");
    assert_eq!(context(&s), crate::app::action::Context::SettingsForm);
    clear(&mut s);
    type_text(&mut s, "Grace");
    let (req, c) = call(&press(&mut s, "enter"));
    let SettingsCall::Patch(patch) = c else {
        panic!("{c:?}")
    };
    assert_eq!(patch.nickname.as_deref(), Some("Grace"));
    assert_eq!(s.settings.form.as_ref().unwrap().busy, Some(req));
    let mut p = profile(false);
    p.user.nickname = "Grace".into();
    reply(&mut s, req, Ok(SettingsReply::Saved(Box::new(p))));
    assert!(s.settings.form.is_none());
    assert_eq!(
        s.settings.note.as_ref().unwrap().text,
        "Saved. Nickname: Grace"
    );
    assert_eq!(s.account.nickname, "Grace");
}

#[test]
fn an_empty_nickname_is_refused_in_place() {
    let (mut s, _) = opened(false);
    press(&mut s, "enter");
    clear(&mut s);
    let commands = press(&mut s, "enter");
    assert!(commands.is_empty());
    let form = s.settings.form.as_ref().unwrap();
    assert!(form.error.as_deref().unwrap().contains("empty"));
}

#[test]
fn upload_takes_the_highlighted_local_file_and_refreshes_the_picture() {
    let (mut s, avatar) = opened(false);
    reply(
        &mut s,
        avatar,
        Ok(SettingsReply::Avatar(AvatarPicture::None)),
    );
    // The right pane shows /home/me with a picture under the cursor.
    let req = s.panes[1].loading.unwrap().req;
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Page {
            req,
            page: Page {
                entries: vec![Entry::file("me.png", 10, 0)],
                last: true,
                caps: None,
            },
        }),
    );
    press(&mut s, "u");
    let form = s.settings.form.as_ref().unwrap();
    assert_eq!(form.value(0), "/home/me/me.png");
    let (req, c) = call(&press(&mut s, "enter"));
    assert_eq!(
        c,
        SettingsCall::UploadAvatar {
            path: PathBuf::from("/home/me/me.png")
        }
    );
    // The server refuses: the error stays in the form.
    reply(
        &mut s,
        req,
        Err(Failure {
            message: "Invalid image (code 40001)".into(),
            code: Some(codes::PARAM_ERROR),
            ..Failure::default()
        }),
    );
    assert!(form_error(&s).starts_with("The server refused the picture"));
    let (req, _) = call(&press(&mut s, "enter"));
    let commands = reply(&mut s, req, Ok(SettingsReply::AvatarSaved));
    assert!(s.settings.form.is_none());
    assert_eq!(
        s.settings.note.as_ref().unwrap().text,
        "Profile picture updated"
    );
    assert!(matches!(s.settings.avatar, AvatarView::Loading));
    assert!(commands.contains(&Command::Settings {
        req: RequestId(req.0 + 1),
        call: SettingsCall::Avatar {
            user_id: "lx2fj".into(),
            nocache: true
        }
    }));
}

#[test]
fn gravatar_needs_a_confirmation() {
    let (mut s, _) = opened(false);
    press(&mut s, "g");
    assert_eq!(context(&s), crate::app::action::Context::Dialog);
    assert!(press(&mut s, "esc").is_empty());
    assert!(s.settings.confirm.is_none());
    press(&mut s, "g");
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(c, SettingsCall::UseGravatar);
    reply(&mut s, req, Ok(SettingsReply::AvatarSaved));
    assert_eq!(
        s.settings.note.as_ref().unwrap().text,
        "Switched to Gravatar"
    );
}

#[test]
fn preferences_save_field_by_field() {
    let (mut s, _) = opened(false);
    press(&mut s, "2");
    // On/off: Enter flips it at once.
    let (req, c) = call(&press(&mut s, "enter"));
    let SettingsCall::Patch(patch) = c else {
        panic!()
    };
    assert_eq!(patch.version_retention_enabled, Some(false));
    assert_eq!(patch.version_retention_max, None);
    let mut p = profile(false);
    p.settings.version_retention_enabled = false;
    reply(&mut s, req, Ok(SettingsReply::Saved(Box::new(p))));
    assert_eq!(
        s.settings.note.as_ref().unwrap().text,
        "Saved. Keep old versions: off"
    );
    // A number: typed, checked, then sent.
    press(&mut s, "j enter");
    clear(&mut s);
    type_text(&mut s, "-1");
    assert!(press(&mut s, "enter").is_empty());
    assert!(s.settings.form.as_ref().unwrap().error.is_some());
    clear(&mut s);
    type_text(&mut s, "3");
    let (_, c) = call(&press(&mut s, "enter"));
    let SettingsCall::Patch(patch) = c else {
        panic!()
    };
    assert_eq!(patch.version_retention_max, Some(3));
    // Shares on the profile cycle through the three choices.
    press(&mut s, "esc");
    s.settings.form = None;
    s.settings.waiting.clear();
    press(&mut s, "j j j");
    assert_eq!(
        s.settings.current_row(),
        Some(Row::Pref(PrefField::ShareLinks))
    );
    let (_, c) = call(&press(&mut s, "enter"));
    let SettingsCall::Patch(patch) = c else {
        panic!()
    };
    assert_eq!(patch.share_links_in_profile.as_deref(), Some("all_share"));
}

#[test]
fn password_change_checks_and_shows_the_wrong_current_password() {
    let (mut s, _) = opened(false);
    press(&mut s, "3 enter");
    type_text(&mut s, "old-pass");
    press(&mut s, "tab");
    type_text(&mut s, "new-pass-1");
    press(&mut s, "tab");
    type_text(&mut s, "new-pass-2");
    assert!(press(&mut s, "enter").is_empty());
    assert!(form_error(&s).contains("differ"));
    press(&mut s, "backspace");
    type_text(&mut s, "1");
    let (req, c) = call(&press(&mut s, "enter"));
    match c {
        SettingsCall::ChangePassword {
            email,
            current,
            new,
        } => {
            assert_eq!(email, "me@example.com");
            assert_eq!(current.expose(), "old-pass");
            assert_eq!(new.expose(), "new-pass-1");
        }
        other => panic!("{other:?}"),
    }
    reply(
        &mut s,
        req,
        Err(Failure {
            message: "Incorrect password (code 40069)".into(),
            code: Some(codes::INCORRECT_PASSWORD),
            ..Failure::default()
        }),
    );
    let form = s.settings.form.as_ref().unwrap();
    assert_eq!(
        form.error.as_deref(),
        Some("The current password is wrong: Incorrect password (code 40069)")
    );
    assert_eq!(form.busy, None);
    let (req, _) = call(&press(&mut s, "enter"));
    reply(
        &mut s,
        req,
        Ok(SettingsReply::PasswordChanged {
            signed_in_again: true,
        }),
    );
    assert!(s.settings.form.is_none());
    assert!(
        s.settings
            .note
            .as_ref()
            .unwrap()
            .text
            .starts_with("Password changed")
    );
}

#[test]
fn two_factor_on_with_a_qr_code_then_off() {
    let (mut s, _) = opened(false);
    press(&mut s, "3 j");
    assert_eq!(s.settings.current_row(), Some(Row::TwoFa));
    let (req, c) = call(&press(&mut s, "enter"));
    assert_eq!(c, SettingsCall::PrepareTwoFa);
    reply(
        &mut s,
        req,
        Ok(SettingsReply::TwoFaSecret {
            secret: Secret::new("JBSWY3DPEHPK3PXP"),
            uri: "otpauth://totp/Cloudreve:Ada?secret=JBSWY3DPEHPK3PXP&issuer=Cloudreve".into(),
        }),
    );
    let form = s.settings.form.as_ref().unwrap();
    let FormPurpose::TwoFaEnable { qr, .. } = &form.purpose else {
        panic!()
    };
    assert!(qr.len() > 10, "a QR code of {} lines", qr.len());
    type_text(&mut s, "123456");
    let (req, c) = call(&press(&mut s, "enter"));
    assert_eq!(
        c,
        SettingsCall::SetTwoFa {
            enabled: true,
            code: "123456".into()
        }
    );
    reply(
        &mut s,
        req,
        Err(Failure {
            message: "Incorrect 2FA code (code 40022)".into(),
            code: Some(codes::INCORRECT_2FA_CODE),
            ..Failure::default()
        }),
    );
    let form = s.settings.form.as_ref().unwrap();
    assert!(form.error.as_deref().unwrap().starts_with("Wrong code"));
    assert_eq!(form.value(0), "", "the wrong code is cleared");
    type_text(&mut s, "654321");
    let (req, _) = call(&press(&mut s, "enter"));
    reply(&mut s, req, Ok(SettingsReply::TwoFaSet { enabled: true }));
    assert!(s.settings.profile.as_ref().unwrap().settings.two_fa_enabled);
    // Off needs a code too.
    press(&mut s, "enter");
    assert_eq!(
        s.settings.form.as_ref().unwrap().purpose,
        FormPurpose::TwoFaDisable
    );
    type_text(&mut s, "111111");
    let (_, c) = call(&press(&mut s, "enter"));
    assert_eq!(
        c,
        SettingsCall::SetTwoFa {
            enabled: false,
            code: "111111".into()
        }
    );
}

#[test]
fn passkeys_are_deleted_after_a_confirmation() {
    let (mut s, _) = opened(false);
    press(&mut s, "3 j j");
    assert_eq!(s.settings.current_row(), Some(Row::Passkey("pk1".into())));
    press(&mut s, "d");
    assert_eq!(context(&s), crate::app::action::Context::Danger);
    assert!(
        press(&mut s, "enter").is_empty(),
        "Enter does not confirm a deletion"
    );
    press(&mut s, "d");
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(c, SettingsCall::DeletePasskey { id: "pk1".into() });
    reply(
        &mut s,
        req,
        Ok(SettingsReply::PasskeyDeleted { id: "pk1".into() }),
    );
    assert!(
        s.settings
            .profile
            .as_ref()
            .unwrap()
            .settings
            .passkeys
            .is_empty()
    );
    assert_eq!(s.settings.current_row(), Some(Row::SignOut));
}

#[test]
fn sign_out_goes_back_to_the_sign_in_screen() {
    let (mut s, _) = opened(false);
    press(&mut s, "3 j j j");
    assert_eq!(s.settings.current_row(), Some(Row::SignOut));
    press(&mut s, "enter");
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(c, SettingsCall::SignOut);
    let commands = reply(&mut s, req, Ok(SettingsReply::SignedOut { revoked: true }));
    assert_eq!(s.screen, Screen::SignIn);
    assert_eq!(
        s.signin.notice.as_deref(),
        Some("Signed out of this device.")
    );
    assert!(
        s.settings.profile.is_none(),
        "nothing of the old account is kept"
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Unwatch { .. }))
    );
}

#[test]
fn an_expired_session_leads_to_the_sign_in_screen() {
    let mut s = state();
    let (req, _) = call(&press(&mut s, "comma"));
    reply(
        &mut s,
        req,
        Err(Failure {
            message: "Login required".into(),
            signed_out: true,
            ..Failure::default()
        }),
    );
    assert_eq!(s.screen, Screen::SignIn);
    assert!(s.settings.waiting.is_empty());
}

#[test]
fn webdav_accounts_list_reveal_copy_create_edit_and_delete() {
    let (mut s, _) = opened(false);
    let (req, c) = call(&press(&mut s, "4"));
    assert_eq!(c, SettingsCall::ListDav);
    reply(
        &mut s,
        req,
        Ok(SettingsReply::Dav(vec![dav("d1", "laptop")])),
    );
    assert_eq!(s.settings.current_row(), Some(Row::Dav("d1".into())));
    press(&mut s, "v");
    assert!(s.settings.revealed.contains("d1"));
    press(&mut s, "v");
    assert!(s.settings.revealed.is_empty());
    let commands = press(&mut s, "c");
    assert_eq!(
        commands,
        vec![Command::CopyToClipboard(
            "https://drive.example.com/dav/\nme@example.com\npw-secret-1".into()
        )]
    );
    // New: the root comes from the drive pane's folder; space flips read-only.
    press(&mut s, "n");
    let form = s.settings.form.as_ref().unwrap();
    assert_eq!(form.value(1), "/");
    type_text(&mut s, "phone");
    press(&mut s, "tab");
    type_text(&mut s, "Documents");
    press(&mut s, "tab");
    type_text(&mut s, " ");
    let (req, c) = call(&press(&mut s, "enter"));
    let SettingsCall::CreateDav(r) = c else {
        panic!("{c:?}")
    };
    assert_eq!(r.name, "phone");
    assert_eq!(r.uri, "cloudreve://my/Documents");
    assert!(r.readonly);
    assert!(!r.proxy);
    reply(
        &mut s,
        req,
        Ok(SettingsReply::DavSaved(Box::new(dav("d2", "phone")))),
    );
    assert_eq!(s.settings.dav.as_ref().unwrap().len(), 2);
    assert_eq!(s.settings.current_row(), Some(Row::Dav("d2".into())));
    // Edit keeps the id.
    press(&mut s, "enter");
    type_text(&mut s, "-2");
    let (_, c) = call(&press(&mut s, "enter"));
    match c {
        SettingsCall::UpdateDav { id, request } => {
            assert_eq!(id, "d2");
            assert_eq!(request.name, "phone-2");
        }
        other => panic!("{other:?}"),
    }
    s.settings.form = None;
    s.settings.waiting.clear();
    // Delete asks first.
    press(&mut s, "d");
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(c, SettingsCall::DeleteDav { id: "d2".into() });
    reply(
        &mut s,
        req,
        Ok(SettingsReply::DavDeleted { id: "d2".into() }),
    );
    assert_eq!(s.settings.dav.as_ref().unwrap().len(), 1);
    assert_eq!(s.settings.current_row(), Some(Row::NewDav));
}

#[test]
fn a_gift_code_is_checked_then_redeemed() {
    let (mut s, _) = opened(true);
    press(&mut s, "5 enter");
    type_text(&mut s, "GIFT-1");
    let (req, c) = call(&press(&mut s, "enter"));
    assert_eq!(
        c,
        SettingsCall::GiftCheck {
            code: "GIFT-1".into()
        }
    );
    reply(
        &mut s,
        req,
        Ok(SettingsReply::Gift {
            code: "GIFT-1".into(),
            summary: "“Storage pack” × 1".into(),
        }),
    );
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(
        c,
        SettingsCall::GiftRedeem {
            code: "GIFT-1".into()
        }
    );
    let (_, c) = call(&reply(
        &mut s,
        req,
        Ok(SettingsReply::Redeemed {
            code: "GIFT-1".into(),
        }),
    ));
    assert_eq!(c, SettingsCall::Load);
}

fn signed_out() -> State {
    let mut s = Startup::new(PathBuf::from("/home/me"));
    s.account = Account {
        server: "https://drive.example.com".into(),
        email: "new@example.com".into(),
        nickname: String::new(),
    };
    State::new(s)
}

fn challenge(ticket: &str) -> crate::app::msg::CaptchaChallenge {
    crate::app::msg::CaptchaChallenge {
        ticket: ticket.into(),
        picture: None,
    }
}

#[test]
fn sign_up_from_the_sign_in_screen_with_a_captcha() {
    let mut s = signed_out();
    assert_eq!(s.screen, Screen::SignIn);
    let (req, c) = call(&press(&mut s, "ctrl-n"));
    assert_eq!(
        c,
        SettingsCall::SignInHelp {
            server: "https://drive.example.com".into(),
            reset: false
        }
    );
    reply(
        &mut s,
        req,
        Ok(SettingsReply::SignInHelp {
            server: "https://drive.example.com".into(),
            reset: false,
            challenge: Some(challenge("t1")),
        }),
    );
    assert_eq!(
        crate::app::update::current_context(&s),
        crate::app::action::Context::SettingsForm
    );
    let form = s.settings.form.as_ref().unwrap();
    assert_eq!(form.value(0), "new@example.com");
    assert_eq!(form.fields.len(), 4, "e-mail, password twice, CAPTCHA");
    press(&mut s, "tab");
    type_text(&mut s, "secret-1");
    press(&mut s, "tab");
    type_text(&mut s, "secret-1");
    // The CAPTCHA is required.
    assert!(press(&mut s, "enter").is_empty());
    assert!(form_error(&s).contains("CAPTCHA"));
    press(&mut s, "tab");
    type_text(&mut s, "ab12");
    let (req, c) = call(&press(&mut s, "enter"));
    let SettingsCall::SignUp { request, .. } = c else {
        panic!("{c:?}")
    };
    assert_eq!(request.email, "new@example.com");
    assert_eq!(request.password.expose(), "secret-1");
    assert_eq!(request.captcha.as_deref(), Some("ab12"));
    assert_eq!(request.ticket.as_deref(), Some("t1"));
    // A wrong CAPTCHA: a new picture, the answer cleared, the rest kept.
    reply(
        &mut s,
        req,
        Ok(SettingsReply::NewCaptcha {
            challenge: challenge("t2"),
            message: "Wrong CAPTCHA; here is a new one".into(),
        }),
    );
    let form = s.settings.form.as_ref().unwrap();
    assert_eq!(form.purpose.challenge().unwrap().ticket, "t2");
    assert_eq!(form.value(3), "");
    assert_eq!(form.value(1), "secret-1");
    assert_eq!(form.focus, 3);
    type_text(&mut s, "cd34");
    let (req, _) = call(&press(&mut s, "enter"));
    reply(
        &mut s,
        req,
        Ok(SettingsReply::SignedUp {
            email: "new@example.com".into(),
            activation_required: true,
        }),
    );
    assert!(s.settings.form.is_none());
    assert_eq!(s.screen, Screen::SignIn);
    assert!(
        s.signin
            .notice
            .as_deref()
            .unwrap()
            .contains("activation link")
    );
}

#[test]
fn a_refused_sign_up_is_said_on_the_sign_in_form() {
    let mut s = signed_out();
    let (req, _) = call(&press(&mut s, "ctrl-n"));
    reply(
        &mut s,
        req,
        Err(Failure::msg(
            "This server does not take new accounts; ask its administrator",
        )),
    );
    assert!(s.settings.form.is_none());
    assert_eq!(s.screen, Screen::SignIn);
    assert!(
        s.signin
            .error
            .as_deref()
            .unwrap()
            .contains("does not take new accounts")
    );
    // Esc leaves a form; the sign-in fields keep their text.
    let (req, _) = call(&press(&mut s, "ctrl-r"));
    reply(
        &mut s,
        req,
        Ok(SettingsReply::SignInHelp {
            server: "https://drive.example.com".into(),
            reset: true,
            challenge: None,
        }),
    );
    press(&mut s, "esc");
    assert!(s.settings.form.is_none());
    assert_eq!(s.signin.email.value(), "new@example.com");
}

#[test]
fn password_reset_mails_a_link_then_takes_it_with_the_new_password() {
    let mut s = signed_out();
    let (req, _) = call(&press(&mut s, "ctrl-r"));
    reply(
        &mut s,
        req,
        Ok(SettingsReply::SignInHelp {
            server: "https://drive.example.com".into(),
            reset: true,
            challenge: None,
        }),
    );
    let (req, c) = call(&press(&mut s, "enter"));
    assert_eq!(
        c,
        SettingsCall::SendReset {
            server: "https://drive.example.com".into(),
            email: "new@example.com".into(),
            captcha: None
        }
    );
    reply(
        &mut s,
        req,
        Ok(SettingsReply::ResetMailSent {
            email: "new@example.com".into(),
        }),
    );
    assert!(matches!(
        s.settings.form.as_ref().unwrap().purpose,
        FormPurpose::ResetLink { .. }
    ));
    update(
        &mut s,
        Msg::Paste("https://drive.example.com/session/reset?id=lx2fj&secret=S3cr3t".into()),
    );
    press(&mut s, "tab");
    type_text(&mut s, "fresh-pass");
    press(&mut s, "tab");
    type_text(&mut s, "fresh-pass");
    let (req, c) = call(&press(&mut s, "enter"));
    match c {
        SettingsCall::ResetPassword {
            user_id,
            secret,
            password,
            ..
        } => {
            assert_eq!(user_id, "lx2fj");
            assert_eq!(secret, "S3cr3t");
            assert_eq!(password.expose(), "fresh-pass");
        }
        other => panic!("{other:?}"),
    }
    reply(&mut s, req, Ok(SettingsReply::PasswordReset));
    assert!(s.settings.form.is_none());
    assert!(
        s.signin
            .notice
            .as_deref()
            .unwrap()
            .starts_with("Password changed")
    );
}

#[test]
fn reset_links_are_read_from_the_mail() {
    assert_eq!(
        signup::reset_link("https://d.example/session/reset?id=ab&secret=cd").unwrap(),
        ("ab".to_string(), "cd".to_string())
    );
    assert_eq!(
        signup::reset_link(" https://d.example/session/reset?sign=cd&id=ab ").unwrap(),
        ("ab".to_string(), "cd".to_string())
    );
    assert!(signup::reset_link("https://d.example/session/reset?id=ab").is_err());
    assert!(signup::reset_link("not a link").is_err());
}

#[test]
fn linked_accounts_are_unlinked_on_pro() {
    let mut s = state();
    let (req, _) = call(&press(&mut s, "comma"));
    let mut p = profile(true);
    p.settings.open_id =
        Some(serde_json::json!([{"provider": 2, "linked_at": "2026-01-01T00:00:00Z"}]));
    reply(&mut s, req, Ok(SettingsReply::Loaded(Box::new(p))));
    press(&mut s, "3 j j j");
    assert_eq!(s.settings.current_row(), Some(Row::OpenId(2)));
    press(&mut s, "d");
    assert!(s.settings.confirm.as_ref().unwrap().lines[0].contains("OpenID Connect"));
    let (req, c) = call(&press(&mut s, "y"));
    assert_eq!(c, SettingsCall::UnlinkOpenId { provider: 2 });
    reply(
        &mut s,
        req,
        Ok(SettingsReply::OpenIdUnlinked { provider: 2 }),
    );
    assert!(linked_providers(&s.settings.profile.as_ref().unwrap().settings).is_empty());
    assert_eq!(s.settings.current_row(), Some(Row::SignOut));
    assert_eq!(
        s.settings.note.as_ref().unwrap().text,
        "OpenID Connect account unlinked"
    );
}

#[test]
fn initials_ignore_escape_sequences() {
    let nick = "\x1b[2J\x1b]0;pwned\x07Eve\x1b]52;c;ZXZpbA==\x1b\\ \u{202e}gpj.exe";
    assert_eq!(replies::without_escapes(nick), "Eve gpj.exe");
    assert_eq!(
        crate::avatar::initials(&replies::without_escapes(nick)),
        "EG"
    );
    assert_eq!(replies::without_escapes("Ada Lovelace"), "Ada Lovelace");
}
