//! Colour themes: views ask for a semantic [`Role`] ("critical", "selection"), never a colour,
//! so a theme file can restyle the whole console.
//!
//! A theme file maps role names to `{ fg, bg, bold, italic, underline, reversed }` and may say
//! `extends = "<theme>"` to inherit the roles it does not set. Shipped themes are built in;
//! others are read from `<config dir>/shiftops/themes/<name>.toml`.

pub mod contrast;

use std::array;
use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use toml::Spanned;

use crate::datafile::{self, DataFileError};

/// The themes built into the binary; the first is the default.
pub const SHIPPED: &[&str] = &["dark", "light", "high-contrast", "colorblind"];

/// Shipped themes as (name, path shown in errors, contents).
const SHIPPED_FILES: &[(&str, &str, &str)] = &[
    (
        "dark",
        "themes/dark.toml",
        include_str!("../../themes/dark.toml"),
    ),
    (
        "light",
        "themes/light.toml",
        include_str!("../../themes/light.toml"),
    ),
    (
        "high-contrast",
        "themes/high-contrast.toml",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "colorblind",
        "themes/colorblind.toml",
        include_str!("../../themes/colorblind.toml"),
    ),
];

/// Colour names a theme may use, in the order error messages list them.
const NAMED_COLORS: &[(&str, Color)] = &[
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
];

/// What a piece of the screen means; themes style roles, views use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Ordinary text.
    Text,
    /// Secondary text: timestamps, ids, hints.
    Muted,
    /// Highlights such as the active tab or key names.
    Accent,
    /// Healthy.
    Ok,
    /// Needs attention.
    Warning,
    /// Broken now.
    Critical,
    /// No data or stale data.
    Unknown,
    /// The selected row.
    Selection,
    Border,
    Title,
    /// Table column headers.
    Header,
    /// The whole screen behind everything else.
    Background,
    /// Gauge fill (fg) and track (bg).
    Gauge,
    /// Threshold marks on gauges.
    Mark,
    /// The command and filter input line.
    Input,
}

impl Role {
    /// Every role, in the order its discriminant indexes [`Theme`]'s styles.
    pub const ALL: [Role; 15] = [
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Ok,
        Role::Warning,
        Role::Critical,
        Role::Unknown,
        Role::Selection,
        Role::Border,
        Role::Title,
        Role::Header,
        Role::Background,
        Role::Gauge,
        Role::Mark,
        Role::Input,
    ];

    /// The role's key in a theme file.
    pub fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Ok => "ok",
            Role::Warning => "warning",
            Role::Critical => "critical",
            Role::Unknown => "unknown",
            Role::Selection => "selection",
            Role::Border => "border",
            Role::Title => "title",
            Role::Header => "header",
            Role::Background => "background",
            Role::Gauge => "gauge",
            Role::Mark => "mark",
            Role::Input => "input",
        }
    }

    /// The role a theme-file key names, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A resolved theme: one [`Style`] per [`Role`], ready to hand to widgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    /// Indexed by `Role as usize`, so [`Theme::style`] is an array read.
    styles: [Style; Role::ALL.len()],
}

impl Theme {
    /// The style for `role`.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// The background role: what every other role is drawn over.
    pub fn background(&self) -> Style {
        self.style(Role::Background)
    }

    /// The gauge's style when its fill says `status` (`Gauge` for plain, `Warning`,
    /// `Critical`): the status's colour on the gauge's track, so the label, drawn in the
    /// track's colour over the fill, reads as well as the plain gauge's.
    pub fn gauge(&self, status: Role) -> Style {
        let gauge = self.style(Role::Gauge);
        match self.style(status).fg {
            Some(fg) if status != Role::Gauge => gauge.fg(fg),
            _ => gauge,
        }
    }

    /// This theme without any colour, for `NO_COLOR`: modifiers (bold, reversed …) stay so
    /// emphasis survives, and the selection is always reversed because without its background
    /// colour the selected row would be invisible.
    #[must_use]
    pub fn no_color(&self) -> Theme {
        let mut styles = self.styles.map(|style| {
            Style::new()
                .add_modifier(style.add_modifier)
                .remove_modifier(style.sub_modifier)
        });
        let selection = &mut styles[Role::Selection as usize];
        *selection = selection.add_modifier(Modifier::REVERSED);
        Theme {
            name: self.name.clone(),
            styles,
        }
    }
}

impl Default for Theme {
    /// The shipped `dark` theme.
    fn default() -> Self {
        load(SHIPPED[0]).expect("the shipped dark theme is valid (checked by unit tests)")
    }
}

/// Loads theme `name`: a shipped theme (see [`SHIPPED`]) or else
/// `<config dir>/shiftops/themes/<name>.toml`, following `extends`. Shipped names always mean
/// the built-in theme, so a custom theme needs a name of its own.
pub fn load(name: &str) -> Result<Theme, DataFileError> {
    load_with(name, &find_theme_file)
}

/// Parses the theme file `path` with contents `text` (its name is the file stem), as [`load`]
/// would: `extends` may name a shipped theme or another theme in the user's theme directory.
/// Every error names `path:line:column`.
pub fn parse(path: &str, text: &str) -> Result<Theme, DataFileError> {
    let name = std::path::Path::new(path)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(path)
        .to_owned();
    let find = |wanted: &str| -> Result<Option<ThemeText>, DataFileError> {
        if wanted == name {
            return Ok(Some(ThemeText {
                path: path.to_owned(),
                text: Cow::Owned(text.to_owned()),
            }));
        }
        find_theme_file(wanted)
    };
    load_with(&name, &find)
}

/// A theme file's path (as shown in errors) and contents.
struct ThemeText {
    path: String,
    text: Cow<'static, str>,
}

/// Where theme files come from; tests substitute an in-memory set.
type FindTheme<'a> = &'a dyn Fn(&str) -> Result<Option<ThemeText>, DataFileError>;

/// A shipped theme, else the user's file; `None` if neither exists.
fn find_theme_file(name: &str) -> Result<Option<ThemeText>, DataFileError> {
    if let Some((_, path, text)) = SHIPPED_FILES.iter().find(|(shipped, ..)| *shipped == name) {
        return Ok(Some(ThemeText {
            path: (*path).to_owned(),
            text: Cow::Borrowed(*text),
        }));
    }
    let path = user_theme_path(name);
    Ok(datafile::read_optional(&path)?.map(|text| ThemeText {
        path: path.display().to_string(),
        text: Cow::Owned(text),
    }))
}

fn user_theme_path(name: &str) -> PathBuf {
    let relative = PathBuf::from("shiftops")
        .join("themes")
        .join(format!("{name}.toml"));
    dirs::config_dir().map_or(relative.clone(), |dir| dir.join(relative))
}

fn load_with(name: &str, find: FindTheme<'_>) -> Result<Theme, DataFileError> {
    let Some(file) = find(name)? else {
        return Err(DataFileError::whole_file(
            user_theme_path(name).display().to_string(),
            format!("no theme named \"{name}\": {}", where_themes_come_from()),
        ));
    };
    let styles = resolve(name, &file, find, &mut Vec::new())?;
    Ok(Theme {
        name: name.to_owned(),
        styles,
    })
}

fn where_themes_come_from() -> String {
    let shipped: Vec<String> = SHIPPED.iter().map(|name| format!("\"{name}\"")).collect();
    format!(
        "the shipped themes are {}; others are read from {}",
        shipped.join(", "),
        user_theme_path("<name>").display()
    )
}

/// The styles `file` (theme `name`) defines, with unset roles taken from the theme it extends,
/// or left plain. `chain` holds the themes being resolved, to catch `extends` cycles.
fn resolve(
    name: &str,
    file: &ThemeText,
    find: FindTheme<'_>,
    chain: &mut Vec<String>,
) -> Result<[Style; Role::ALL.len()], DataFileError> {
    let error_at = |span, message| datafile::error_at(&file.path, &file.text, span, message);
    let parsed: ThemeFile = datafile::parse(&file.path, &file.text)?;
    chain.push(name.to_owned());

    let mut own: [Option<Style>; Role::ALL.len()] = [None; Role::ALL.len()];
    let mut inherited = [Style::default(); Role::ALL.len()];
    for (key, entry) in parsed.entries {
        match entry {
            Entry::Role(role, spec) => own[role as usize] = Some(spec.style(&error_at)?),
            Entry::UnknownRole => {
                let roles: Vec<&str> = Role::ALL.iter().map(|role| role.name()).collect();
                return Err(error_at(
                    key.span(),
                    format!(
                        "unknown role \"{}\"; the roles are {}",
                        key.get_ref(),
                        roles.join(", ")
                    ),
                ));
            }
            Entry::Extends(parent) => {
                let parent_name = parent.get_ref().as_str();
                if chain.iter().any(|seen| seen == parent_name) {
                    return Err(error_at(
                        parent.span(),
                        format!(
                            "theme \"{parent_name}\" extends itself: {} -> {parent_name}",
                            chain.join(" -> ")
                        ),
                    ));
                }
                let Some(parent_file) = find(parent_name)? else {
                    return Err(error_at(
                        parent.span(),
                        format!(
                            "unknown theme \"{parent_name}\" in extends: {}",
                            where_themes_come_from()
                        ),
                    ));
                };
                inherited = resolve(parent_name, &parent_file, find, chain)?;
            }
        }
    }

    chain.pop();
    Ok(array::from_fn(|index| {
        own[index].unwrap_or(inherited[index])
    }))
}

/// A theme file, entries in file order with the span of their keys. Deserialised by hand so
/// an unknown role is reported as such (at its key) rather than as a serde "unknown field".
#[derive(Debug, Default)]
struct ThemeFile {
    entries: Vec<(Spanned<String>, Entry)>,
}

#[derive(Debug)]
enum Entry {
    Extends(Spanned<String>),
    Role(Role, RoleSpec),
    UnknownRole,
}

impl<'de> Deserialize<'de> for ThemeFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ThemeFileVisitor;

        impl<'de> Visitor<'de> for ThemeFileVisitor {
            type Value = ThemeFile;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a theme: `extends` and role tables")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ThemeFile, A::Error> {
                let mut file = ThemeFile::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let entry = if key.get_ref() == "extends" {
                        Entry::Extends(map.next_value()?)
                    } else if let Some(role) = Role::from_name(key.get_ref()) {
                        Entry::Role(role, map.next_value()?)
                    } else {
                        // Whatever its value, the problem to report is the name.
                        map.next_value::<IgnoredAny>()?;
                        Entry::UnknownRole
                    };
                    file.entries.push((key, entry));
                }
                // TOML tables do not promise document order; errors should follow the text.
                file.entries.sort_by_key(|(key, _)| key.span().start);
                Ok(file)
            }
        }

        deserializer.deserialize_map(ThemeFileVisitor)
    }
}

/// One role's style as written. A modifier set to `false` removes it when the style is
/// patched over another (for example a bold header cell that should not be bold).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
}

impl RoleSpec {
    fn style(
        &self,
        error_at: &impl Fn(std::ops::Range<usize>, String) -> DataFileError,
    ) -> Result<Style, DataFileError> {
        let color = |value: &Option<Spanned<String>>| -> Result<Option<Color>, DataFileError> {
            value
                .as_ref()
                .map(|value| {
                    parse_color(value.get_ref()).ok_or_else(|| {
                        error_at(value.span(), unknown_color_message(value.get_ref()))
                    })
                })
                .transpose()
        };
        let mut style = Style::new();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        let modifiers = [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ];
        for (setting, modifier) in modifiers {
            style = match setting {
                Some(true) => style.add_modifier(modifier),
                Some(false) => style.remove_modifier(modifier),
                None => style,
            };
        }
        Ok(style)
    }
}

/// A colour name (case-insensitive), `#rrggbb`, or a 256-colour index.
fn parse_color(text: &str) -> Option<Color> {
    if let Some((_, color)) = NAMED_COLORS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
    {
        return Some(*color);
    }
    if let Some(hex) = text.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
        return Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?));
    }
    // `u8::from_str` would accept "+5"; only plain digits are an index.
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().ok().map(Color::Indexed);
    }
    None
}

fn unknown_color_message(text: &str) -> String {
    let names: Vec<&str> = NAMED_COLORS.iter().map(|(name, _)| *name).collect();
    format!(
        "unknown colour \"{text}\"; use a name ({}), \"#rrggbb\" or an index \"0\" to \"255\"",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds `files` (name, text) as `themes/<name>.toml`, then shipped themes; never the real
    /// config directory, so tests do not depend on the machine.
    fn load_from(
        name: &str,
        files: &'static [(&'static str, &'static str)],
    ) -> Result<Theme, DataFileError> {
        let find = move |wanted: &str| -> Result<Option<ThemeText>, DataFileError> {
            if let Some((name, text)) = files.iter().find(|(name, _)| *name == wanted) {
                return Ok(Some(ThemeText {
                    path: format!("themes/{name}.toml"),
                    text: Cow::Borrowed(*text),
                }));
            }
            find_theme_file(wanted).map(|found| found.filter(|_| SHIPPED.contains(&wanted)))
        };
        load_with(name, &find)
    }

    fn load_error(text: &'static str) -> String {
        let files: &'static [(&str, &str)] = Box::leak(Box::new([("custom", text)]));
        load_from("custom", files)
            .expect_err("the theme should be rejected")
            .to_string()
    }

    #[test]
    fn shipped_themes_load_and_define_every_role() {
        assert_eq!(SHIPPED.len(), SHIPPED_FILES.len());
        for (name, path, text) in SHIPPED_FILES {
            assert!(SHIPPED.contains(name));
            let parsed: ThemeFile = datafile::parse(path, text).unwrap();
            for role in Role::ALL {
                let defined = parsed
                    .entries
                    .iter()
                    .any(|(_, entry)| matches!(entry, Entry::Role(r, _) if *r == role));
                assert!(defined, "{path} does not define {role}");
            }
            let theme = load(name).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(theme.name, *name);
            for role in Role::ALL {
                assert_ne!(theme.style(role), Style::default(), "{name}: {role}");
            }
        }
    }

    #[test]
    fn default_theme_is_dark() {
        assert_eq!(Theme::default(), load("dark").unwrap());
        assert_eq!(SHIPPED[0], "dark");
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.name()), Some(role));
            assert_eq!(Role::ALL[role as usize], role);
        }
        assert_eq!(Role::from_name("fg"), None);
    }

    #[test]
    fn colorblind_theme_uses_okabe_ito() {
        let theme = load("colorblind").unwrap();
        assert_eq!(theme.style(Role::Ok).fg, Some(Color::Rgb(0x56, 0xB4, 0xE9)));
        assert_eq!(
            theme.style(Role::Warning).fg,
            Some(Color::Rgb(0xE6, 0x9F, 0x00))
        );
        assert_eq!(
            theme.style(Role::Critical).fg,
            Some(Color::Rgb(0xD5, 0x5E, 0x00))
        );
        assert_eq!(
            theme.style(Role::Accent).fg,
            Some(Color::Rgb(0x56, 0xB4, 0xE9))
        );
    }

    #[test]
    fn high_contrast_theme_is_black_and_white() {
        let theme = load("high-contrast").unwrap();
        let background = theme.style(Role::Background);
        assert_eq!(background.fg, Some(Color::Rgb(255, 255, 255)));
        assert_eq!(background.bg, Some(Color::Rgb(0, 0, 0)));
        assert!(
            theme
                .style(Role::Critical)
                .add_modifier
                .contains(Modifier::BOLD)
        );
    }

    #[test]
    fn parses_every_colour_form() {
        assert_eq!(parse_color("red"), Some(Color::Red));
        assert_eq!(parse_color("DarkGray"), Some(Color::DarkGray));
        assert_eq!(parse_color("reset"), Some(Color::Reset));
        assert_eq!(parse_color("#0072b2"), Some(Color::Rgb(0x00, 0x72, 0xB2)));
        assert_eq!(parse_color("#D55E00"), Some(Color::Rgb(0xD5, 0x5E, 0x00)));
        assert_eq!(parse_color("0"), Some(Color::Indexed(0)));
        assert_eq!(parse_color("255"), Some(Color::Indexed(255)));
        for bad in [
            "", "256", "+5", "-1", "#12345", "#1234567", "#gg0000", "#ééé", "purple",
        ] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn role_spec_sets_colours_and_modifiers() {
        let theme = load_from(
            "custom",
            &[(
                "custom",
                "text = { fg = \"42\", bg = \"#102030\", bold = true, italic = true, underline = true, reversed = true }\n\
                 header = { bold = false }\n",
            )],
        )
        .unwrap();
        assert_eq!(
            theme.style(Role::Text),
            Style::new()
                .fg(Color::Indexed(42))
                .bg(Color::Rgb(0x10, 0x20, 0x30))
                .add_modifier(
                    Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED | Modifier::REVERSED
                )
        );
        assert_eq!(
            theme.style(Role::Header),
            Style::new().remove_modifier(Modifier::BOLD)
        );
        // Without `extends`, unset roles are plain.
        assert_eq!(theme.style(Role::Ok), Style::default());
    }

    #[test]
    fn extends_inherits_unset_roles() {
        let dark = load("dark").unwrap();
        let theme = load_from(
            "mine",
            &[(
                "mine",
                "extends = \"dark\"\ncritical = { fg = \"lightmagenta\" }\n",
            )],
        )
        .unwrap();
        assert_eq!(theme.name, "mine");
        assert_eq!(
            theme.style(Role::Critical),
            Style::new().fg(Color::LightMagenta)
        );
        for role in Role::ALL.into_iter().filter(|role| *role != Role::Critical) {
            assert_eq!(theme.style(role), dark.style(role), "{role}");
        }
    }

    #[test]
    fn extends_follows_chains_of_custom_themes() {
        let theme = load_from(
            "child",
            &[
                ("child", "extends = \"parent\"\nok = { fg = \"blue\" }\n"),
                (
                    "parent",
                    "extends = \"light\"\nok = { fg = \"red\" }\nmark = { fg = \"cyan\" }\n",
                ),
            ],
        )
        .unwrap();
        assert_eq!(theme.style(Role::Ok), Style::new().fg(Color::Blue));
        assert_eq!(theme.style(Role::Mark), Style::new().fg(Color::Cyan));
        assert_eq!(
            theme.style(Role::Text),
            load("light").unwrap().style(Role::Text)
        );
    }

    #[test]
    fn no_color_keeps_modifiers_and_the_selection_visible() {
        let plain = load("dark").unwrap().no_color();
        assert_eq!(plain.name, "dark");
        for role in Role::ALL {
            let style = plain.style(role);
            assert_eq!((style.fg, style.bg), (None, None), "{role}");
        }
        assert_eq!(
            plain.style(Role::Critical),
            Style::new().add_modifier(Modifier::BOLD)
        );
        assert!(
            plain
                .style(Role::Selection)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn missing_theme_names_the_shipped_ones() {
        let error = load_from("solarized", &[]).unwrap_err();
        assert!(error.path.ends_with("solarized.toml"), "{}", error.path);
        assert_eq!((error.line, error.column), (1, 1));
        assert!(
            error.message.starts_with(
                "no theme named \"solarized\": the shipped themes are \"dark\", \"light\", \
                 \"high-contrast\", \"colorblind\"; others are read from "
            ),
            "{}",
            error.message
        );
    }

    #[test]
    fn unknown_role_is_an_error_at_its_name() {
        assert_eq!(
            load_error("text = { fg = \"white\" }\n  txet = { fg = \"white\" }\n"),
            "themes/custom.toml:2:3: unknown role \"txet\"; the roles are text, muted, accent, \
             ok, warning, critical, unknown, selection, border, title, header, background, \
             gauge, mark, input"
        );
    }

    #[test]
    fn unknown_colour_is_an_error_at_the_value() {
        assert_eq!(
            load_error("text = { fg = \"white\" }\nok = { fg = \"green\", bg = \"purple\" }\n"),
            "themes/custom.toml:2:27: unknown colour \"purple\"; use a name (black, red, \
             green, yellow, blue, magenta, cyan, gray, darkgray, lightred, lightgreen, \
             lightyellow, lightblue, lightmagenta, lightcyan, white, reset), \"#rrggbb\" or \
             an index \"0\" to \"255\""
        );
    }

    #[test]
    fn unknown_field_is_an_error_at_the_field() {
        assert_eq!(
            load_error("text = { fg = \"white\", blink = true }\n"),
            "themes/custom.toml:1:24: unknown field `blink`, expected one of `fg`, `bg`, \
             `bold`, `italic`, `underline`, `reversed`"
        );
    }

    #[test]
    fn wrong_type_is_an_error_at_the_value() {
        assert_eq!(
            load_error("[text]\nbold = \"yes\"\n"),
            "themes/custom.toml:2:8: invalid type: string \"yes\", expected a boolean"
        );
    }

    #[test]
    fn unknown_extends_theme_is_an_error_at_the_name() {
        assert_eq!(
            load_error("# mine\nextends = \"drak\"\n"),
            format!(
                "themes/custom.toml:2:11: unknown theme \"drak\" in extends: {}",
                where_themes_come_from()
            )
        );
    }

    #[test]
    fn extends_cycle_is_an_error() {
        let error = load_from(
            "a",
            &[
                ("a", "extends = \"b\"\n"),
                ("b", "ok = { fg = \"red\" }\nextends = \"a\"\n"),
            ],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "themes/b.toml:2:11: theme \"a\" extends itself: a -> b -> a"
        );
    }

    #[test]
    fn errors_in_an_extended_theme_name_its_file() {
        let error = load_from(
            "child",
            &[
                ("child", "extends = \"base\"\n"),
                ("base", "ok = { fg = \"grene\" }\n"),
            ],
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("themes/base.toml:1:13: unknown colour \"grene\"")
        );
    }
}
