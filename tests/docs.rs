//! The documentation stays true to the code: the screen captures of the user guide
//! (`docs/screens/`, and embedded in `docs/user-guide.md`), the key reference (`docs/keys.md`),
//! the docs index and every relative link. `UPDATE_DOCS=1 cargo test --test docs` rewrites the
//! generated files; review the diff, then commit it with the change that caused it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shiftops::docs::{self, Screen};
use shiftops::i18n::Lang;

const UPDATE: &str =
    "run `UPDATE_DOCS=1 cargo test --test docs` to regenerate them, then review the diff";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares each generated file with the one on disk, or writes them all when updating; fails
/// naming every stale file.
fn check_generated(files: &[(String, String)]) {
    let mut stale = Vec::new();
    for (relative, generated) in files {
        let path = root().join(relative);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(generated.as_str()) {
            continue;
        }
        if updating() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(&path, generated).unwrap_or_else(|e| panic!("{relative}: {e}"));
        } else {
            stale.push(relative.as_str());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date with the code: {}; {UPDATE}",
        stale.join(", ")
    );
}

#[test]
fn screen_captures_are_current() {
    check_generated(&docs::captures());
}

#[test]
fn no_stale_capture_files_are_left() {
    let kept: BTreeSet<String> = docs::captures().into_iter().map(|(path, _)| path).collect();
    let mut stray = Vec::new();
    let mut dirs = vec![root().join("docs/screens")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !kept.contains(&relative) {
                stray.push(relative);
            }
        }
    }
    assert!(
        stray.is_empty(),
        "no screen of shiftops::docs produces {stray:?}: delete them"
    );
}

/// The pages that embed screen captures, with the language of their pictures.
const EMBEDDING_PAGES: &[(&str, Lang)] = &[
    ("README.md", Lang::En),
    ("docs/user-guide.md", Lang::En),
    ("docs/ja/README.md", Lang::Ja),
];

#[test]
fn pages_embed_the_current_captures() {
    let pages: Vec<(String, String)> = EMBEDDING_PAGES
        .iter()
        .map(|(relative, lang)| {
            let page = read(relative);
            let embedded =
                docs::embed_captures(&page, *lang).unwrap_or_else(|e| panic!("{relative}: {e}"));
            ((*relative).to_owned(), embedded)
        })
        .collect();
    check_generated(&pages);
}

#[test]
fn user_guide_shows_every_screen() {
    let guide = read("docs/user-guide.md");
    for screen in Screen::ALL {
        assert!(
            guide.contains(&docs::screen_marker(screen)),
            "docs/user-guide.md has no picture of {:?}: add `{}` and a section about it",
            screen,
            docs::screen_marker(screen).trim_end()
        );
        let path = docs::capture_path(screen, Lang::En);
        assert!(
            guide.contains(&format!("({})", path.trim_start_matches("docs/"))),
            "docs/user-guide.md does not link {path}"
        );
        assert!(
            guide.contains(&format!("`{}`", screen.demo_command())),
            "docs/user-guide.md does not say how to stage {screen:?}: `{}`",
            screen.demo_command()
        );
    }
}

#[test]
fn key_reference_is_current() {
    check_generated(&[("docs/keys.md".to_owned(), docs::keys_markdown())]);
}

/// Every Markdown page under docs/.
fn pages() -> Vec<String> {
    let mut pages = Vec::new();
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                let relative = path.strip_prefix(root().join("docs")).unwrap();
                pages.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    pages.sort();
    pages
}

/// The targets of the inline Markdown links of `text`: `[text](target)`, code spans and fenced
/// blocks skipped.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Drop code spans so that `a](b)` in code is not a link.
        let mut plain = String::new();
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            } else if !in_code {
                plain.push(c);
            }
        }
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    found
}

#[test]
fn docs_readme_indexes_every_page() {
    let index = read("docs/README.md");
    let linked: BTreeSet<String> = links(&index)
        .into_iter()
        .map(|target| target.split('#').next().unwrap_or_default().to_owned())
        .collect();
    let missing: Vec<String> = pages()
        .into_iter()
        .filter(|page| page != "README.md" && !linked.contains(page))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/README.md does not link {missing:?}"
    );
}

/// The anchors GitHub gives the headings of a Markdown page: lower case, punctuation dropped,
/// spaces as `-`, a repeated heading numbered `-1`, `-2` …
fn anchors(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        if in_fence {
            continue;
        }
        let title = heading.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut anchor = slug.clone();
        let mut n = 0;
        while found.contains(&anchor) {
            n += 1;
            anchor = format!("{slug}-{n}");
        }
        found.insert(anchor);
    }
    found
}

#[test]
fn relative_links_in_the_docs_resolve() {
    let mut broken = Vec::new();
    for page in pages() {
        let path = root().join("docs").join(&page);
        let text = std::fs::read_to_string(&path).unwrap();
        let dir = path.parent().unwrap().to_path_buf();
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if file.is_empty() {
                path.clone()
            } else {
                Path::new(&dir).join(file)
            };
            if !linked.exists() {
                broken.push(format!("docs/{page}: {target}"));
                continue;
            }
            if let Some(anchor) = anchor
                && linked.extension().is_some_and(|ext| ext == "md")
            {
                let text = std::fs::read_to_string(&linked).unwrap();
                if !anchors(&text).contains(anchor) {
                    broken.push(format!("docs/{page}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}
