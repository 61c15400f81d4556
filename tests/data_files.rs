//! Every data file the user can put in the config directory — the config, the keymap override, a
//! keymap, a theme, a runbook — is read only when it is a regular file. A FIFO, a device, a
//! directory, a dangling link or a link loop at its path is an error that names the path: start-up
//! never hangs on a FIFO, and nothing is skipped in silence.
//!
//! The real binary runs with a deadline, so a hang fails the test rather than blocking it.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn shiftops_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_shiftops"))
}

/// Where each loader reads its file, in `<config dir>/shiftops/`, and the options of `shiftops
/// demo` that make it read that file.
const LOCATIONS: [(&str, &[&str]); 5] = [
    ("config.toml", &[]),
    ("keymap.toml", &[]),
    ("keymaps/mine.toml", &["--keymap", "mine"]),
    ("themes/mine.toml", &["--theme", "mine"]),
    ("runbooks/mine.toml", &[]),
];

/// Puts something that is not a regular file at `path`; returns what the error says it is.
type Make = fn(&Path) -> &'static str;

const KINDS: [(&str, Make); 5] = [
    ("fifo", |path| {
        let status = Command::new("mkfifo").arg(path).status().unwrap();
        assert!(status.success());
        "is a FIFO, not a regular file"
    }),
    ("directory", |path| {
        std::fs::create_dir(path).unwrap();
        "is a directory, not a regular file"
    }),
    ("device", |path| {
        symlink("/dev/null", path).unwrap();
        "is a character device, not a regular file"
    }),
    ("dangling link", |path| {
        symlink(path.with_extension("gone"), path).unwrap();
        "is a dangling link: its target does not exist"
    }),
    ("link loop", |path| {
        let other = path.with_extension("loop");
        symlink(&other, path).unwrap();
        symlink(path, &other).unwrap();
        "is a link loop: its links lead back to themselves"
    }),
];

/// Runs `shiftops demo ARGS` with the config directory `config_home`, killing it after 30 s.
fn demo_within_deadline(config_home: &Path, state_home: &Path, args: &[&str]) -> (Output, bool) {
    let mut child = Command::new(shiftops_bin())
        .arg("demo")
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_STATE_HOME", state_home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut hung = false;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            hung = true;
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), hung)
}

#[test]
fn a_data_file_that_is_not_a_regular_file_is_an_error_naming_it_never_a_hang() {
    for (location, args) in LOCATIONS {
        for (kind, make) in KINDS {
            let home = tempfile::tempdir().unwrap();
            let config_home = home.path().join("config");
            let path: PathBuf = config_home.join("shiftops").join(location);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let what = make(&path);

            let (out, hung) = demo_within_deadline(&config_home, &home.path().join("state"), args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!hung, "{location} as a {kind}: start-up hung");
            assert_eq!(
                stderr.trim_end(),
                format!("shiftops: {}:1:1: {what}", path.display()),
                "{location} as a {kind}"
            );
            assert_eq!(out.status.code(), Some(2), "{location} as a {kind}");
            assert!(out.stdout.is_empty(), "{location} as a {kind}");
        }
    }
}

#[test]
fn the_same_files_as_regular_files_or_links_to_them_are_read() {
    // The other side of the test above: a valid file at each location is loaded, so demo gets
    // past loading and stops only for want of a terminal.
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join("config");
    let dir = config_home.join("shiftops");
    for sub in ["keymaps", "themes", "runbooks"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(dir.join("config.toml"), "[ui]\ntheme = \"mine\"\n").unwrap();
    std::fs::write(dir.join("keymap.toml"), "[bindings]\nquit = [\"x\"]\n").unwrap();
    std::fs::write(dir.join("keymaps/real.toml"), "").unwrap();
    symlink(dir.join("keymaps/real.toml"), dir.join("keymaps/mine.toml")).unwrap();
    std::fs::write(dir.join("themes/mine.toml"), "extends = \"dark\"\n").unwrap();

    let (out, hung) = demo_within_deadline(
        &config_home,
        &home.path().join("state"),
        &["--keymap", "mine"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!hung);
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}
