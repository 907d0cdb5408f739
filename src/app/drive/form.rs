//! A small form in a popup: text fields, on/off switches and choices, one focused at a time.
//! Tab and Shift-Tab move between fields, typing edits the focused text, space (or ←/→)
//! flips a switch or steps through a choice. What the form leads to is its `FormPurpose`.

use crate::api::uri::CrUri;
use crate::app::input::TextField;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone)]
pub enum FieldValue {
    /// Boxed: a text field is large next to a switch.
    Text(Box<TextField>),
    Toggle(bool),
    Choice {
        options: Vec<String>,
        index: usize,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub label: String,
    pub value: FieldValue,
    /// A short explanation under the field while it is focused.
    pub hint: String,
}

impl FormField {
    pub fn text(label: &str, initial: &str, hint: &str) -> FormField {
        FormField {
            label: label.into(),
            value: FieldValue::Text(Box::new(TextField::new(initial))),
            hint: hint.into(),
        }
    }

    pub fn secret(label: &str, hint: &str) -> FormField {
        FormField {
            label: label.into(),
            value: FieldValue::Text(Box::new(TextField::new("").masked())),
            hint: hint.into(),
        }
    }

    pub fn toggle(label: &str, on: bool, hint: &str) -> FormField {
        FormField {
            label: label.into(),
            value: FieldValue::Toggle(on),
            hint: hint.into(),
        }
    }

    pub fn choice(label: &str, options: &[&str], index: usize, hint: &str) -> FormField {
        FormField {
            label: label.into(),
            value: FieldValue::Choice {
                options: options.iter().map(|o| o.to_string()).collect(),
                index: index.min(options.len().saturating_sub(1)),
            },
            hint: hint.into(),
        }
    }
}

/// What submitting a form does.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    /// The full share form for these items.
    Share {
        uris: Vec<CrUri>,
    },
    /// Zip `sources` (of pane `pane`).
    Archive {
        pane: usize,
        sources: Vec<CrUri>,
    },
    Extract {
        pane: usize,
        archive: CrUri,
    },
    RemoteDownload {
        pane: usize,
    },
    AddTag {
        uris: Vec<CrUri>,
        reload: CrUri,
    },
    SetProperty {
        uris: Vec<CrUri>,
        reload: CrUri,
    },
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why the last submit was refused (shown in the form).
    pub error: Option<String>,
    pub purpose: FormPurpose,
    /// The popup the form came from: shown again when it closes.
    pub back: Option<Box<super::popup::DrivePopup>>,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<FormField>, purpose: FormPurpose) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            purpose,
            back: None,
        }
    }

    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    fn field(&self, label: &str) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| &f.value)
    }

    /// The trimmed text of the field `label` ("" when there is none).
    pub fn text(&self, label: &str) -> String {
        match self.field(label) {
            Some(FieldValue::Text(t)) => t.value().trim().to_string(),
            _ => String::new(),
        }
    }

    pub fn toggle(&self, label: &str) -> bool {
        matches!(self.field(label), Some(FieldValue::Toggle(true)))
    }

    pub fn choice(&self, label: &str) -> usize {
        match self.field(label) {
            Some(FieldValue::Choice { index, .. }) => *index,
            _ => 0,
        }
    }

    /// A key no table claimed: edits the focused field. True when something changed.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let changed = match &mut field.value {
            FieldValue::Text(t) => t.handle_key(key),
            FieldValue::Toggle(on) => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *on = !*on;
                    true
                }
                _ => false,
            },
            FieldValue::Choice { options, index } => {
                let n = options.len().max(1);
                match key.code {
                    KeyCode::Char(' ') | KeyCode::Right => {
                        *index = (*index + 1) % n;
                        true
                    }
                    KeyCode::Left => {
                        *index = (*index + n - 1) % n;
                        true
                    }
                    _ => false,
                }
            }
        };
        if changed {
            self.error = None;
        }
        changed
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(FieldValue::Text(t)) = self.fields.get_mut(self.focus).map(|f| &mut f.value) {
            t.paste(text);
            self.error = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn fields_are_edited_by_kind() {
        let mut form = Form::new(
            "t",
            vec![
                FormField::text("Name", "a", ""),
                FormField::toggle("On", false, ""),
                FormField::choice("Pick", &["x", "y", "z"], 0, ""),
            ],
            FormPurpose::RemoteDownload { pane: 0 },
        );
        form.handle_key(key(KeyCode::Char(' ')));
        form.handle_key(key(KeyCode::Char('b')));
        assert_eq!(form.text("Name"), "a b");
        form.next();
        assert!(form.handle_key(key(KeyCode::Char(' '))));
        assert!(form.toggle("On"));
        assert!(
            !form.handle_key(key(KeyCode::Char('x'))),
            "letters do not flip"
        );
        form.next();
        form.handle_key(key(KeyCode::Left));
        assert_eq!(form.choice("Pick"), 2, "left wraps around");
        form.next();
        assert_eq!(form.focus, 0, "tab wraps around");
        form.prev();
        assert_eq!(form.focus, 2);
    }
}
