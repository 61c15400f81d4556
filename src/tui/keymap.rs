//! Key bindings: which key triggers which [`Action`], loaded from `keymaps/*.toml`.
//!
//! A keymap file is one `[bindings]` table mapping an action name from [`Action::BINDABLE`] to a
//! list of keys. A base keymap (shipped `default` or `vim`, or a custom one from the config
//! directory) can be overridden per action by the user's `keymap.toml`. Every mistake — unknown
//! action, bad key, a key bound twice — is reported as `file:line:column` at the offending token.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use crate::datafile::{self, DataFileError};
use crate::tui::action::Action;

/// The keymaps built into the binary.
pub const SHIPPED: &[&str] = &["default", "vim"];

/// Shipped keymaps as (name, path shown in errors, contents).
const SHIPPED_FILES: &[(&str, &str, &str)] = &[
    (
        "default",
        "keymaps/default.toml",
        include_str!("../../keymaps/default.toml"),
    ),
    (
        "vim",
        "keymaps/vim.toml",
        include_str!("../../keymaps/vim.toml"),
    ),
];

/// Keys with a name, in the canonical spelling used by [`KeyBinding`]'s `Display`.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
];

/// Modifier prefixes in canonical order.
const MODIFIERS: &[(&str, KeyModifiers)] = &[
    ("ctrl-", KeyModifiers::CONTROL),
    ("alt-", KeyModifiers::ALT),
    ("shift-", KeyModifiers::SHIFT),
];

/// A key with its modifiers, normalised so that equal bindings compare equal to the
/// [`KeyEvent`]s terminals actually send (see [`KeyBinding::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    /// A normalised binding. Terminals disagree about reporting SHIFT for characters (the
    /// character itself is already shifted: `G`, `?`), so SHIFT is dropped for `Char`;
    /// shift-tab is `BackTab`; and ctrl with a letter is case-insensitive because legacy
    /// terminals cannot tell ctrl-r from ctrl-shift-r.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers = modifiers;
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Self { code, modifiers }
    }

    /// The binding a key event matches.
    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }
}

/// Why a key string could not be parsed; its `Display` is the user-facing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParseError(String);

impl fmt::Display for KeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyParseError {}

impl FromStr for KeyBinding {
    type Err = KeyParseError;

    /// Parses `q`, `?`, `G`, `enter`, `f5`, `ctrl-r`, `alt-1`, `shift-up` … Names and modifiers
    /// are case-insensitive; a single character keeps its case (`G` is shift-g), and `shift-`
    /// with a letter means its uppercase form.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(KeyParseError("empty key".into()));
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        // A prefix only counts as a modifier when something follows it, so "ctrl--" is
        // ctrl with the minus key and a lone "-" is the minus key.
        while let Some((prefix, modifier)) = MODIFIERS.iter().find(|(prefix, _)| {
            rest.len() > prefix.len()
                && rest
                    .get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        }) {
            if modifiers.contains(*modifier) {
                return Err(KeyParseError(format!(
                    "modifier \"{}\" is given twice in \"{text}\"",
                    prefix.trim_end_matches('-')
                )));
            }
            modifiers |= *modifier;
            rest = &rest[prefix.len()..];
        }

        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_control() => {
                return Err(KeyParseError(format!(
                    "{c:?} is not a printable key; use a key name such as \"tab\" or \"enter\""
                )));
            }
            (Some(c), None) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            (Some(c), None) => KeyCode::Char(c),
            _ => named_key(rest)
                .ok_or_else(|| KeyParseError(format!("unknown key name \"{rest}\"")))?,
        };
        Ok(Self::new(code, modifiers))
    }
}

/// The key a (case-insensitive) name stands for: a [`NAMED_KEYS`] entry or `f1` … `f12`.
fn named_key(name: &str) -> Option<KeyCode> {
    let name = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED_KEYS.iter().find(|(known, _)| *known == name) {
        return Some(*code);
    }
    let number: u8 = name.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&number).then_some(KeyCode::F(number))
}

impl fmt::Display for KeyBinding {
    /// The canonical spelling (`ctrl-r`, `?`, `pagedown`), which parses back to the same binding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (prefix, modifier) in MODIFIERS {
            if self.modifiers.contains(*modifier) {
                f.write_str(prefix)?;
            }
        }
        if let Some((name, _)) = NAMED_KEYS.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(number) => write!(f, "f{number}"),
            // Not producible from a keymap file, but the fields are public.
            other => write!(f, "{}", format!("{other:?}").to_ascii_lowercase()),
        }
    }
}

/// Which key triggers which action. Built by [`load`]; `Default` is the shipped default keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    actions_by_key: HashMap<KeyBinding, Action>,
    /// Parallel to [`Action::BINDABLE`], in the order the keys were written.
    keys_by_action: Vec<Vec<KeyBinding>>,
}

impl Keymap {
    /// The action a key press triggers, if any. Key releases (reported by terminals with the
    /// kitty keyboard protocol) never trigger anything, so one press acts once.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.actions_by_key
            .get(&KeyBinding::from_event(key))
            .cloned()
    }

    /// The keys bound to `action`, in the order the keymap lists them (empty if unbound or not
    /// a bindable action).
    pub fn keys_for(&self, action: &Action) -> Vec<KeyBinding> {
        Action::BINDABLE
            .iter()
            .position(|(_, bindable, _)| bindable == action)
            .map(|index| self.keys_by_action[index].clone())
            .unwrap_or_default()
    }

    /// One row per bindable action, in [`Action::BINDABLE`] order: (keys joined by ", ",
    /// action name, help text). The help screen is generated from this.
    pub fn help_rows(&self) -> Vec<(String, &'static str, &'static str)> {
        Action::BINDABLE
            .iter()
            .zip(&self.keys_by_action)
            .map(|((name, _, help), keys)| {
                let keys = keys
                    .iter()
                    .map(KeyBinding::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                (keys, *name, *help)
            })
            .collect()
    }
}

impl Default for Keymap {
    fn default() -> Self {
        let (_, path, text) = SHIPPED_FILES[0];
        build(Source { path, text }, None)
            .expect("the shipped default keymap is valid (checked by unit tests)")
    }
}

/// Loads the base keymap `base` (`"default"`, `"vim"`, or the name of
/// `<config dir>/shiftops/keymaps/<base>.toml`) and applies `user_file`'s overrides: an action
/// the user file names gets exactly the keys it lists; the others keep the base's. Nothing at
/// `user_file` means no overrides; anything but a regular file there is an error.
pub fn load(base: &str, user_file: Option<&Path>) -> Result<Keymap, DataFileError> {
    let (base_path, base_text) = base_source(base)?;
    let user = match user_file {
        Some(path) => datafile::read_optional(path)?.map(|text| (path.display().to_string(), text)),
        None => None,
    };
    build(
        Source {
            path: &base_path,
            text: &base_text,
        },
        user.as_ref().map(|(path, text)| Source { path, text }),
    )
}

/// The path (as shown in errors) and contents of base keymap `name`.
fn base_source(name: &str) -> Result<(String, Cow<'static, str>), DataFileError> {
    if let Some((_, path, text)) = SHIPPED_FILES.iter().find(|(shipped, ..)| *shipped == name) {
        return Ok(((*path).to_owned(), Cow::Borrowed(*text)));
    }
    let relative = Path::new("shiftops")
        .join("keymaps")
        .join(format!("{name}.toml"));
    let path = dirs::config_dir().map_or(relative.clone(), |dir| dir.join(&relative));
    match datafile::read_optional(&path)? {
        Some(text) => Ok((path.display().to_string(), Cow::Owned(text))),
        None => Err(DataFileError::whole_file(
            path.display().to_string(),
            format!(
                "no keymap named \"{name}\": the shipped keymaps are {}, and a custom one is \
                 read from this file",
                quoted_list(SHIPPED)
            ),
        )),
    }
}

/// `"a", "b", "c"`.
fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A keymap file's shape; anything else in the file is an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    bindings: HashMap<Spanned<String>, Vec<Spanned<String>>>,
}

/// A keymap file's name (for errors) and text.
#[derive(Debug, Clone, Copy)]
struct Source<'a> {
    path: &'a str,
    text: &'a str,
}

/// One `action = [keys]` line of a file, validated.
struct ActionBinding<'a> {
    source: Source<'a>,
    /// Index into [`Action::BINDABLE`].
    action: usize,
    /// Each key with the span of the string it was parsed from.
    keys: Vec<(KeyBinding, Range<usize>)>,
}

/// Parses a keymap file into its bindings in file order, checking action names and key syntax.
fn parse_bindings(source: Source<'_>) -> Result<Vec<ActionBinding<'_>>, DataFileError> {
    let file: KeymapFile = datafile::parse(source.path, source.text)?;
    let mut entries: Vec<_> = file.bindings.into_iter().collect();
    // The map loses file order; restore it so errors and key order follow the text.
    entries.sort_by_key(|(name, _)| name.span().start);

    entries
        .into_iter()
        .map(|(name, keys)| {
            let action = Action::BINDABLE
                .iter()
                .position(|(bindable, _, _)| *bindable == name.get_ref().as_str())
                .ok_or_else(|| {
                    let valid: Vec<&str> = Action::BINDABLE.iter().map(|(n, _, _)| *n).collect();
                    datafile::error_at(
                        source.path,
                        source.text,
                        name.span(),
                        format!(
                            "unknown action \"{}\"; the actions are {}",
                            name.get_ref(),
                            valid.join(", ")
                        ),
                    )
                })?;
            let keys = keys
                .into_iter()
                .map(|key| {
                    key.get_ref()
                        .parse::<KeyBinding>()
                        .map(|binding| (binding, key.span()))
                        .map_err(|error| {
                            datafile::error_at(
                                source.path,
                                source.text,
                                key.span(),
                                error.to_string(),
                            )
                        })
                })
                .collect::<Result<_, _>>()?;
            Ok(ActionBinding {
                source,
                action,
                keys,
            })
        })
        .collect()
}

/// Merges `user` over `base` and checks that no key is bound to two actions.
fn build(base: Source<'_>, user: Option<Source<'_>>) -> Result<Keymap, DataFileError> {
    let base_bindings = parse_bindings(base)?;
    let user_bindings = match user {
        Some(user) => parse_bindings(user)?,
        None => Vec::new(),
    };
    let rebound: HashSet<usize> = user_bindings.iter().map(|binding| binding.action).collect();
    // Base first, then the user's: a conflict is reported at the later occurrence, which is
    // the user's line whenever the user file is involved.
    let effective = base_bindings
        .iter()
        .filter(|binding| !rebound.contains(&binding.action))
        .chain(&user_bindings);

    let mut keymap = Keymap {
        actions_by_key: HashMap::new(),
        keys_by_action: vec![Vec::new(); Action::BINDABLE.len()],
    };
    // Where each key was bound first: (action index, file, span).
    let mut first_binding: HashMap<KeyBinding, (usize, Source<'_>, Range<usize>)> = HashMap::new();
    for binding in effective {
        let (action_name, action, _) = &Action::BINDABLE[binding.action];
        for (key, span) in &binding.keys {
            if let Some((other, other_source, other_span)) = first_binding.get(key) {
                let message = if *other == binding.action {
                    format!("key \"{key}\" is listed twice for \"{action_name}\"")
                } else {
                    format!(
                        "key \"{key}\" is bound to both \"{}\" ({}) and \"{action_name}\"",
                        Action::BINDABLE[*other].0,
                        datafile::location(
                            other_source.path,
                            other_source.text,
                            other_span.clone()
                        ),
                    )
                };
                let source = binding.source;
                return Err(datafile::error_at(
                    source.path,
                    source.text,
                    span.clone(),
                    message,
                ));
            }
            first_binding.insert(*key, (binding.action, binding.source, span.clone()));
            keymap.actions_by_key.insert(*key, action.clone());
            keymap.keys_by_action[binding.action].push(*key);
        }
    }
    Ok(keymap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::View;

    fn key(text: &str) -> KeyBinding {
        text.parse()
            .unwrap_or_else(|error| panic!("{text:?}: {error}"))
    }

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn shipped(name: &str) -> Source<'static> {
        let (_, path, text) = SHIPPED_FILES
            .iter()
            .find(|(shipped, ..)| *shipped == name)
            .expect("shipped keymap");
        Source { path, text }
    }

    fn user(text: &str) -> Source<'_> {
        Source {
            path: "keymap.toml",
            text,
        }
    }

    fn build_error(base: Source<'_>, user: Option<Source<'_>>) -> String {
        build(base, user)
            .expect_err("the keymap should be rejected")
            .to_string()
    }

    #[test]
    fn parses_single_characters() {
        assert_eq!(
            key("q"),
            KeyBinding::new(KeyCode::Char('q'), KeyModifiers::NONE)
        );
        assert_eq!(
            key("?"),
            KeyBinding::new(KeyCode::Char('?'), KeyModifiers::NONE)
        );
        assert_eq!(
            key("G"),
            KeyBinding::new(KeyCode::Char('G'), KeyModifiers::NONE)
        );
        assert_eq!(
            key("-"),
            KeyBinding::new(KeyCode::Char('-'), KeyModifiers::NONE)
        );
        assert_eq!(
            key("é"),
            KeyBinding::new(KeyCode::Char('é'), KeyModifiers::NONE)
        );
        assert_eq!(key("shift-g"), key("G"));
        assert_eq!(key("space"), key(" "));
    }

    #[test]
    fn parses_named_keys() {
        let expected = [
            ("enter", KeyCode::Enter),
            ("esc", KeyCode::Esc),
            ("tab", KeyCode::Tab),
            ("backtab", KeyCode::BackTab),
            ("space", KeyCode::Char(' ')),
            ("backspace", KeyCode::Backspace),
            ("delete", KeyCode::Delete),
            ("insert", KeyCode::Insert),
            ("up", KeyCode::Up),
            ("down", KeyCode::Down),
            ("left", KeyCode::Left),
            ("right", KeyCode::Right),
            ("home", KeyCode::Home),
            ("end", KeyCode::End),
            ("pageup", KeyCode::PageUp),
            ("pagedown", KeyCode::PageDown),
            ("f1", KeyCode::F(1)),
            ("f12", KeyCode::F(12)),
        ];
        for (name, code) in expected {
            assert_eq!(key(name).code, code, "{name}");
            assert_eq!(key(name).modifiers, KeyModifiers::NONE, "{name}");
        }
    }

    #[test]
    fn parses_modifiers_case_insensitively() {
        assert_eq!(
            key("ctrl-r"),
            KeyBinding::new(KeyCode::Char('r'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("Ctrl-R"), key("ctrl-r"));
        assert_eq!(
            key("alt-1"),
            KeyBinding::new(KeyCode::Char('1'), KeyModifiers::ALT)
        );
        assert_eq!(
            key("shift-up"),
            KeyBinding::new(KeyCode::Up, KeyModifiers::SHIFT)
        );
        assert_eq!(
            key("CTRL-ALT-PageDown"),
            KeyBinding::new(KeyCode::PageDown, KeyModifiers::CONTROL | KeyModifiers::ALT)
        );
        assert_eq!(
            key("ctrl--"),
            KeyBinding::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(key("shift-tab"), key("backtab"));
        assert_eq!(key("F5"), key("f5"));
    }

    #[test]
    fn rejects_bad_keys_with_a_reason() {
        let error = |text: &str| text.parse::<KeyBinding>().unwrap_err().to_string();
        assert_eq!(error(""), "empty key");
        assert_eq!(error("ctlr-r"), "unknown key name \"ctlr-r\"");
        assert_eq!(error("ctrl-"), "unknown key name \"ctrl-\"");
        assert_eq!(error("f13"), "unknown key name \"f13\"");
        assert_eq!(
            error("ctrl-ctrl-r"),
            "modifier \"ctrl\" is given twice in \"ctrl-ctrl-r\""
        );
        assert_eq!(
            error("\t"),
            "'\\t' is not a printable key; use a key name such as \"tab\" or \"enter\""
        );
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let canonical = [
            ("q", "q"),
            ("?", "?"),
            ("G", "G"),
            ("shift-g", "G"),
            ("Ctrl-R", "ctrl-r"),
            ("alt-ctrl-x", "ctrl-alt-x"),
            ("PageDown", "pagedown"),
            ("shift-tab", "backtab"),
            (" ", "space"),
            ("ctrl--", "ctrl--"),
            ("shift-up", "shift-up"),
            ("f7", "f7"),
        ];
        for (written, shown) in canonical {
            let binding = key(written);
            assert_eq!(binding.to_string(), shown, "{written}");
            assert_eq!(key(shown), binding, "{shown} does not round-trip");
        }
    }

    #[test]
    fn key_events_match_bindings_whatever_the_terminal_reports() {
        let keymap = load("vim", None).unwrap();
        // Some terminals add SHIFT to shifted characters, some do not.
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('G'), KeyModifiers::NONE)),
            Some(Action::Bottom)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevView)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Tab, KeyModifiers::SHIFT)),
            Some(Action::PrevView)
        );
        assert_eq!(
            keymap.action_for(&event(
                KeyCode::Char('R'),
                KeyModifiers::CONTROL | KeyModifiers::SHIFT
            )),
            Some(Action::Refresh)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('q'), KeyModifiers::SUPER)),
            None
        );
        let release = KeyEvent::new_with_kind(
            KeyCode::Char('q'),
            KeyModifiers::NONE,
            KeyEventKind::Release,
        );
        assert_eq!(keymap.action_for(&release), None);
    }

    #[test]
    fn shipped_keymaps_load_and_bind_every_action() {
        for name in SHIPPED {
            let keymap = load(name, None).unwrap_or_else(|error| panic!("{error}"));
            for (action_name, action, _) in Action::BINDABLE {
                let keys = keymap.keys_for(action);
                assert!(!keys.is_empty(), "{name}: {action_name} is unbound");
                for key in keys {
                    assert_eq!(
                        keymap.action_for(&event(key.code, key.modifiers)).as_ref(),
                        Some(action)
                    );
                }
            }
        }
    }

    #[test]
    fn default_keymap_has_the_k9s_bindings() {
        let keymap = Keymap::default();
        assert_eq!(
            keymap.keys_for(&Action::Quit),
            vec![key("q"), key("ctrl-c")]
        );
        assert_eq!(keymap.keys_for(&Action::Show(View::Wlm)), vec![key("3")]);
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char(':'), KeyModifiers::NONE)),
            Some(Action::CommandMode)
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(keymap.keys_for(&Action::ShowTenant("acme".into())), vec![]);
    }

    #[test]
    fn vim_keymap_adds_motions() {
        let keymap = load("vim", None).unwrap();
        assert_eq!(keymap.keys_for(&Action::Down), vec![key("down"), key("j")]);
        assert_eq!(keymap.keys_for(&Action::Top), vec![key("home"), key("g")]);
        assert_eq!(
            keymap.keys_for(&Action::PageUp),
            vec![key("pageup"), key("ctrl-u")]
        );
        assert_eq!(
            keymap.keys_for(&Action::NextView),
            vec![key("tab"), key("l")]
        );
    }

    #[test]
    fn help_rows_follow_bindable_order() {
        let rows = load("vim", None).unwrap().help_rows();
        assert_eq!(rows.len(), Action::BINDABLE.len());
        assert_eq!(rows[0], ("q, ctrl-c".to_owned(), "quit", "quit shiftops"));
        assert_eq!(
            rows[3],
            ("down, j".to_owned(), "down", "move the selection down")
        );
        assert_eq!(rows[14].1, "prev_view");
        assert_eq!(rows[14].0, "backtab, h");
    }

    #[test]
    fn user_file_overrides_single_bindings() {
        let text = "[bindings]\nquit = [\"ctrl-q\"]\nrefresh = [\"x\", \"f5\"]\nhelp = []\n";
        let keymap = build(shipped("default"), Some(user(text))).unwrap();
        assert_eq!(keymap.keys_for(&Action::Quit), vec![key("ctrl-q")]);
        assert_eq!(keymap.keys_for(&Action::Refresh), vec![key("x"), key("f5")]);
        assert_eq!(keymap.keys_for(&Action::Help), vec![]);
        assert_eq!(keymap.keys_for(&Action::Up), vec![key("up")]);
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('?'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&event(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Refresh)
        );
    }

    #[test]
    fn user_may_move_a_key_between_actions_it_rebinds() {
        let text = "[bindings]\nup = [\"j\"]\ndown = [\"k\"]\n";
        let keymap = build(shipped("vim"), Some(user(text))).unwrap();
        assert_eq!(keymap.keys_for(&Action::Up), vec![key("j")]);
        assert_eq!(keymap.keys_for(&Action::Down), vec![key("k")]);
    }

    #[test]
    fn empty_user_file_changes_nothing() {
        let keymap = build(shipped("default"), Some(user("# nothing yet\n"))).unwrap();
        assert_eq!(keymap.help_rows(), Keymap::default().help_rows());
    }

    #[test]
    fn user_file_is_read_from_disk() {
        let path =
            std::env::temp_dir().join(format!("shiftops-keymap-test-{}.toml", std::process::id()));
        std::fs::write(&path, "[bindings]\nquit = [\"x\"]\n").unwrap();
        let keymap = load("default", Some(&path));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(keymap.unwrap().keys_for(&Action::Quit), vec![key("x")]);
    }

    #[test]
    fn unknown_base_keymap_names_the_shipped_ones() {
        let error = load("emacs-but-not-installed", None).unwrap_err();
        assert!(
            error.path.ends_with("emacs-but-not-installed.toml"),
            "{}",
            error.path
        );
        assert_eq!((error.line, error.column), (1, 1));
        assert!(error.message.starts_with("no keymap named \"emacs-but-not-installed\": the shipped keymaps are \"default\", \"vim\""));
    }

    #[test]
    fn unknown_action_is_an_error_at_its_name() {
        let text = "[bindings]\nquit = [\"q\"]\n  qiut = [\"x\"]\n";
        assert_eq!(
            build_error(user(text), None),
            "keymap.toml:3:3: unknown action \"qiut\"; the actions are quit, refresh, up, down, \
             page_up, page_down, top, bottom, select, back, command, filter, help, next_view, \
             prev_view, overview, alarms, wlm, storage, load_errors, elt, logs, tenant, actions, runbook, copy, \
             copy_arn"
        );
    }

    #[test]
    fn bad_key_is_an_error_at_the_key() {
        let text = "[bindings]\nrefresh = [\"r\", \"ctlr-r\"]\n";
        assert_eq!(
            build_error(shipped("default"), Some(user(text))),
            "keymap.toml:2:17: unknown key name \"ctlr-r\""
        );
    }

    #[test]
    fn key_bound_twice_in_one_file_points_at_the_later_binding() {
        let text = "[bindings]\nup = [\"k\"]\ndown = [\"j\", \"K\", \"k\"]\n";
        assert_eq!(
            build_error(user(text), None),
            "keymap.toml:3:19: key \"k\" is bound to both \"up\" (keymap.toml:2:7) and \"down\""
        );
    }

    #[test]
    fn key_listed_twice_for_one_action_is_an_error() {
        let text = "[bindings]\nup = [\"ctrl-p\", \"Ctrl-P\"]\n";
        assert_eq!(
            build_error(user(text), None),
            "keymap.toml:2:17: key \"ctrl-p\" is listed twice for \"up\""
        );
    }

    #[test]
    fn user_key_conflicting_with_a_kept_base_binding_is_an_error() {
        let text = "[bindings]\ndown = [\"k\"]\n";
        assert_eq!(
            build_error(shipped("vim"), Some(user(text))),
            "keymap.toml:2:9: key \"k\" is bound to both \"up\" (keymaps/vim.toml:19:13) and \"down\""
        );
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert_eq!(
            build_error(user("[bindngs]\nquit = [\"q\"]\n"), None),
            "keymap.toml:1:2: unknown field `bindngs`, expected `bindings`"
        );
    }

    #[test]
    fn wrong_types_are_errors() {
        assert_eq!(
            build_error(user("[bindings]\nquit = \"q\"\n"), None),
            "keymap.toml:2:8: invalid type: string \"q\", expected a sequence"
        );
    }
}
