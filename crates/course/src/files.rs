//! Which files of an exercise count: its sources, tests and manifest, never an
//! editor's swap, backup or lock files, nor build output.

use std::fs;
use std::path::{Path, PathBuf};

/// Whether `name` is a file an editor leaves beside the real one while saving:
/// vim's `.main.rs.swp` and its `4913` probe, `main.rs~`, emacs' `#main.rs#` and
/// `.#main.rs`, and `.bak`/`.orig`/`.tmp` copies (`course reset` writes `.bak`s).
pub fn is_scratch_file(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp", ".swo", ".swx", ".swpx", ".bak", ".orig", ".tmp", ".rej",
        ]
        .iter()
        .any(|ending| name.ends_with(ending))
        || name.contains(".bak.")
}

/// Every file under `dir`, recursively, sorted, leaving out scratch files, hidden
/// folders and `target/`. A folder that does not exist has no files.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" {
                files.extend(walk(&path));
            }
        } else if !is_scratch_file(&name) {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `path` relative to `base`, with `/` between the parts on every system.
pub fn relative(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_recognised() {
        for name in [
            ".main.rs.swp",
            ".main.rs.swx",
            "main.rs~",
            "4913",
            "#main.rs#",
            ".#main.rs",
            "main.rs.bak",
            "main.rs.bak.2",
            "main.rs.orig",
        ] {
            assert!(is_scratch_file(name), "{name}");
        }
        for name in ["main.rs", "grade.rs", "Cargo.toml", "hint.md", "4913.rs"] {
            assert!(!is_scratch_file(name), "{name}");
        }
    }

    #[test]
    fn walking_leaves_out_scratch_files_and_target() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "src/main.rs",
            "src/.main.rs.swp",
            "src/net/mod.rs",
            "target/x.rs",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        let found: Vec<String> = walk(root).iter().map(|p| relative(root, p)).collect();
        assert_eq!(found, ["src/main.rs", "src/net/mod.rs"]);
    }
}
