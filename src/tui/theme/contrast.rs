//! How readable a theme is: the WCAG 2.x contrast ratio of each text role on what it is drawn on.
//!
//! A terminal decides what a named ANSI colour ("cyan") or `reset` looks like; we assume xterm's
//! default palette (the values of its `XTerm-col.ad` resources and its 256-colour cube) and, for
//! `reset`, a dark terminal (black, text `#e5e5e5`) for a theme whose text is light, a light one
//! (white, text black) otherwise. Themes that must hold on any terminal use `#rrggbb`.

use ratatui::style::{Color, Modifier, Style};

use super::{Role, Theme};

/// WCAG 2.x, success criterion 1.4.3 (minimum): body text on its background.
pub const MINIMUM: f64 = 4.5;
/// WCAG 2.x, success criterion 1.4.6 (enhanced): what the `high-contrast` theme promises.
pub const ENHANCED: f64 = 7.0;

/// An sRGB colour, 8 bits a channel.
pub type Rgb = (u8, u8, u8);

/// xterm's default colours 0–15 (black … white, then the bright ones).
const XTERM_16: [Rgb; 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

/// The terminal's own colours, which `reset` (and an unset colour) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    pub fg: Rgb,
    pub bg: Rgb,
}

impl Terminal {
    pub const DARK: Terminal = Terminal {
        fg: XTERM_16[7],
        bg: XTERM_16[0],
    };
    pub const LIGHT: Terminal = Terminal {
        fg: XTERM_16[0],
        bg: XTERM_16[15],
    };

    /// The terminal `theme` is meant for: dark when its ordinary text is light.
    pub fn for_theme(theme: &Theme) -> Terminal {
        let text = theme.style(Role::Text);
        let background = theme.style(Role::Background);
        // Judge by the text's colour on the dark assumption; a light text needs a dark screen.
        let fg = text.fg.or(background.fg);
        match fg.and_then(|fg| rgb(fg, Terminal::DARK, Layer::Fg)) {
            Some(fg) if luminance(fg) < 0.5 => Terminal::LIGHT,
            _ => Terminal::DARK,
        }
    }
}

/// Whether a colour is a foreground or a background: `reset` means a different one for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Fg,
    Bg,
}

/// The sRGB value `color` shows as on `terminal` (see the module's note on the palette).
pub fn rgb(color: Color, terminal: Terminal, layer: Layer) -> Option<Rgb> {
    Some(match color {
        Color::Reset => match layer {
            Layer::Fg => terminal.fg,
            Layer::Bg => terminal.bg,
        },
        Color::Black => XTERM_16[0],
        Color::Red => XTERM_16[1],
        Color::Green => XTERM_16[2],
        Color::Yellow => XTERM_16[3],
        Color::Blue => XTERM_16[4],
        Color::Magenta => XTERM_16[5],
        Color::Cyan => XTERM_16[6],
        Color::Gray => XTERM_16[7],
        Color::DarkGray => XTERM_16[8],
        Color::LightRed => XTERM_16[9],
        Color::LightGreen => XTERM_16[10],
        Color::LightYellow => XTERM_16[11],
        Color::LightBlue => XTERM_16[12],
        Color::LightMagenta => XTERM_16[13],
        Color::LightCyan => XTERM_16[14],
        Color::White => XTERM_16[15],
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(index @ 0..=15) => XTERM_16[index as usize],
        Color::Indexed(index @ 16..=231) => {
            // xterm's 6×6×6 cube: levels 0, 95, 135, 175, 215, 255.
            let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
            let n = index - 16;
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        Color::Indexed(index) => {
            let grey = 8 + 10 * (index - 232);
            (grey, grey, grey)
        }
    })
}

/// Relative luminance as WCAG 2.1 defines it (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance):
/// each sRGB channel linearised, then weighted 0.2126 R + 0.7152 G + 0.0722 B. The threshold
/// 0.04045 is the sRGB standard's (IEC 61966-2-1), which WCAG 2.2 adopted for 2.1's 0.03928; no
/// 8-bit value lies between the two.
pub fn luminance((r, g, b): Rgb) -> f64 {
    let linear = |channel: u8| {
        let c = f64::from(channel) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The contrast ratio (L1 + 0.05) / (L2 + 0.05), the lighter over the darker: 1 to 21
/// (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colours a cell of `style` shows as: its own, else the terminal's; reversed swaps them.
pub fn shown(style: Style, terminal: Terminal) -> (Rgb, Rgb) {
    let fg = style
        .fg
        .and_then(|c| rgb(c, terminal, Layer::Fg))
        .unwrap_or(terminal.fg);
    let bg = style
        .bg
        .and_then(|c| rgb(c, terminal, Layer::Bg))
        .unwrap_or(terminal.bg);
    let reversed = style.add_modifier.contains(Modifier::REVERSED)
        && !style.sub_modifier.contains(Modifier::REVERSED);
    if reversed { (bg, fg) } else { (fg, bg) }
}

/// One pairing a theme must keep readable.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// What is drawn, e.g. "ok on background".
    pub what: String,
    pub ratio: f64,
}

/// Every text role on what it is drawn on, as the views draw it:
/// - each text role over the background (a role's own `bg`, if it has one, wins);
/// - the selected row: every cell of it, status included, in the selection's colours (the views
///   drop a cell's own colours there; its symbol and word still say the status);
/// - the storage gauge: its label drawn over the fill, in the track's colour, for the plain,
///   warning and critical fills.
pub fn pairs(theme: &Theme) -> Vec<Pair> {
    let terminal = Terminal::for_theme(theme);
    let on_background = |role: Role| theme.background().patch(theme.style(role));
    let mut pairs = Vec::new();
    let text_roles = [
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Title,
        Role::Header,
        Role::Border,
        Role::Ok,
        Role::Warning,
        Role::Critical,
        Role::Unknown,
        Role::Mark,
        Role::Input,
    ];
    for role in text_roles {
        let (fg, bg) = shown(on_background(role), terminal);
        pairs.push(Pair {
            what: format!("{role} on background"),
            ratio: ratio(fg, bg),
        });
    }
    let (fg, bg) = shown(on_background(Role::Selection), terminal);
    pairs.push(Pair {
        what: "selection (every role in the selected row)".into(),
        ratio: ratio(fg, bg),
    });
    for fill in [Role::Gauge, Role::Warning, Role::Critical] {
        let (fill_colour, track) = shown(theme.background().patch(theme.gauge(fill)), terminal);
        pairs.push(Pair {
            what: format!("gauge label on the {fill} fill"),
            ratio: ratio(fill_colour, track),
        });
    }
    pairs
}

/// The contrast `theme` promises for every pair: 7:1 for `high-contrast`, else 4.5:1.
pub fn required(theme: &Theme) -> f64 {
    if theme.name == "high-contrast" {
        ENHANCED
    } else {
        MINIMUM
    }
}

/// The pairs of `theme` below `minimum`.
pub fn too_low(theme: &Theme, minimum: f64) -> Vec<Pair> {
    pairs(theme)
        .into_iter()
        .filter(|pair| pair.ratio < minimum)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{SHIPPED, load};

    #[test]
    fn the_formula_gives_the_known_ratios() {
        assert!((ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((ratio((119, 119, 119), (255, 255, 255)) - 4.48).abs() < 0.01);
        assert!((ratio((0, 0, 0), (0, 0, 0)) - 1.0).abs() < 1e-9);
        assert_eq!(
            rgb(Color::Indexed(25), Terminal::DARK, Layer::Fg),
            Some((0, 95, 175))
        );
        assert_eq!(
            rgb(Color::Indexed(242), Terminal::DARK, Layer::Fg),
            Some((108, 108, 108))
        );
        assert_eq!(
            rgb(Color::Reset, Terminal::LIGHT, Layer::Bg),
            Some((255, 255, 255))
        );
    }

    #[test]
    fn every_shipped_theme_is_readable_in_every_role() {
        let mut failures = Vec::new();
        for name in SHIPPED {
            let theme = load(name).unwrap();
            for pair in too_low(&theme, required(&theme)) {
                failures.push(format!(
                    "{name}: {} is {:.2}:1, needs {}:1",
                    pair.what,
                    pair.ratio,
                    required(&theme)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn a_theme_that_draws_white_on_white_is_caught() {
        let theme = crate::tui::theme::parse(
            "themes/pale.toml",
            "extends = \"high-contrast\"\nselection = { fg = \"#ffffff\", bg = \"#ffffff\" }\n",
        )
        .unwrap();
        let low = too_low(&theme, MINIMUM);
        assert_eq!(low.len(), 1, "{low:?}");
        assert!(low[0].what.starts_with("selection"));
    }

    #[test]
    fn the_colorblind_theme_tells_ok_from_critical_by_lightness_too() {
        let theme = load("colorblind").unwrap();
        let terminal = Terminal::for_theme(&theme);
        let (ok, _) = shown(theme.style(Role::Ok), terminal);
        let (critical, _) = shown(theme.style(Role::Critical), terminal);
        // 1.5:1 apart: told apart without any hue, as on a greyscale screen.
        assert!(ratio(ok, critical) >= 1.5, "{:.2}", ratio(ok, critical));
    }

    #[test]
    fn the_terminal_is_assumed_from_the_text_colour() {
        assert_eq!(Terminal::for_theme(&load("dark").unwrap()), Terminal::DARK);
        assert_eq!(
            Terminal::for_theme(&load("light").unwrap()),
            Terminal::LIGHT
        );
    }
}
