//! How the demo prints bytes and OS errors: the way Python shows them.

use std::io;

use connect_ex::errno_name;

/// Bytes as Python shows them: b"text\n".
pub fn shown(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}

/// An OS error as `29 ESPIPE (Illegal seek)`.
pub fn os_error(error: &io::Error) -> String {
    let Some(code) = error.raw_os_error() else {
        return error.to_string();
    };
    let name = errno_name(code).unwrap_or_else(|| "(no name)".into());
    let full = error.to_string();
    let message = full
        .strip_suffix(&format!(" (os error {code})"))
        .unwrap_or(&full);
    format!("{code} {name} ({message})")
}
