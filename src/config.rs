//! The user's configuration file (`shiftops/config.toml` in the XDG config dir, or `--config FILE`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::datafile::{self, DataFileError};
use crate::health::Thresholds;

/// Everything the config file can set. Every key is documented in `docs/configuration.md`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub ui: UiConfig,
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// A shipped theme (`dark`, `light`, `high-contrast`, `colorblind`) or one in `<config dir>/shiftops/themes/`.
    pub theme: String,
    /// A shipped keymap (`default`, `vim`) or one in `<config dir>/shiftops/keymaps/`.
    pub keymap: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            theme: "dark".into(),
            keymap: "default".into(),
        }
    }
}

/// `<config dir>/shiftops`, where the config file, the keymap override and user themes live.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("shiftops"))
}

impl Config {
    /// Loads `explicit` (which must exist), else the default file if it exists, else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, DataFileError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match config_dir().map(|d| d.join("config.toml")) {
                Some(path) if path.exists() => path,
                _ => return Ok(Config::default()),
            },
        };
        let text = datafile::read_text(&path)?;
        Self::parse(&path.display().to_string(), &text)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, DataFileError> {
        datafile::parse(path, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_override_single_keys() {
        let config = Config::parse(
            "config.toml",
            "[thresholds]\nelt_delay_minutes = 120\n[ui]\ntheme = \"light\"\n",
        )
        .unwrap();
        assert_eq!(config.thresholds.elt_delay_minutes, 120.0);
        assert_eq!(config.thresholds.storage_warning_percent, 80.0);
        assert_eq!(config.ui.theme, "light");
        assert_eq!(config.ui.keymap, "default");
    }

    #[test]
    fn unknown_keys_name_file_line_and_column() {
        let error = Config::parse("config.toml", "[thresholds]\nelt_delay = 120\n").unwrap_err();
        assert_eq!(error.path, "config.toml");
        assert_eq!((error.line, error.column), (2, 1));
        assert!(
            error.message.contains("unknown field `elt_delay`"),
            "{error}"
        );
    }
}
