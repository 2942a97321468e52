//! When the kernel refuses: the error by number and name, and the reason, chosen
//! from the error the kernel gave.

use std::io;

use connect_ex::errno_name;
use socket2::{Domain, Protocol};

/// An OS error as `93 EPROTONOSUPPORT  Protocol not supported`.
pub fn describe_error(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => {
            let name = errno_name(code).unwrap_or_else(|| "(no name)".into());
            let full = error.to_string();
            let message = full
                .strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&full);
            format!("{code} {name}  {message}")
        }
        None => error.to_string(),
    }
}

// ANCHOR: why
/// Why the kernel refused, for the refusals this table meets. Keyed on the error's
/// name, so the reason printed is always the one the kernel gave. `asked` is the
/// protocol the call named (None: proto 0).
pub fn why_refused(
    error: &io::Error,
    family: Domain,
    type_name: &str,
    asked: Option<Protocol>,
) -> Option<&'static str> {
    let name = errno_name(error.raw_os_error()?)?;
    // Windows' names are the same with WSA in front: WSAESOCKTNOSUPPORT.
    let name = name.strip_prefix("WSA").unwrap_or(&name);
    let over_ip = family != Domain::UNIX;
    if asked.is_some() && matches!(name, "EPROTONOSUPPORT" | "EPROTOTYPE") {
        // A protocol was named, and the family has no protocol of that number for
        // this type (it may well offer the type with another one).
        return Some("the family has no such protocol for this type");
    }
    Some(match (name, type_name) {
        ("EPROTONOSUPPORT", "SOCK_RAW") => "a raw socket has no default protocol: see part 2",
        ("ESOCKTNOSUPPORT" | "EPROTONOSUPPORT", "SOCK_RDM") => {
            "nothing here offers SOCK_RDM; on Linux only AF_TIPC does"
        }
        ("ESOCKTNOSUPPORT" | "EPROTONOSUPPORT", "SOCK_SEQPACKET") if over_ip => {
            "over IP this type is SCTP, and this system has no SCTP available"
        }
        ("EPERM" | "EACCES", _) => "raw sockets need CAP_NET_RAW, which root has",
        ("EAFNOSUPPORT", _) => "this system does not offer the family at all",
        ("ESOCKTNOSUPPORT" | "EPROTOTYPE" | "EPROTONOSUPPORT", _) => {
            "this family does not offer this type"
        }
        _ => return None,
    })
}
// ANCHOR_END: why
