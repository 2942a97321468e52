//! Part 1: `socket(family, type, 0)` for every family and type, and what the
//! kernel made when it made a socket.

use socket2::{Domain, Protocol, Socket, Type};

use crate::names::{FAMILIES, type_name, types};
use crate::refusals::{describe_error, why_refused};

/// The protocol part 1 asks for: None is proto 0, the family's default for the type.
/// (*Break it on purpose* in the chapter sets it to `Some(Protocol::UDP)`.)
const PROTO: Option<Protocol> = None;

/// Part 1: the table of `socket(family, type, 0)`.
pub fn every_family_and_type() {
    match PROTO {
        None => {
            println!("1. socket(family, type, 0): proto 0 asks the kernel to choose the protocol")
        }
        Some(protocol) => println!(
            "1. socket(family, type, {}): every family and type asked for this protocol",
            i32::from(protocol)
        ),
    }
    println!("   {:<9} {:<15} result", "family", "type");
    for (family_name, family) in FAMILIES {
        for (type_name, kind) in types() {
            // ANCHOR: try_one
            // socket.socket(family, type, 0): PROTO is None, proto 0, "you choose".
            let outcome = Socket::new(family, kind, PROTO);
            // ANCHOR_END: try_one
            print!("   {family_name:<9} {type_name:<15} ");
            match outcome {
                Ok(socket) => println!("{}", describe_created(&socket, family, kind)),
                Err(error) => {
                    println!("failed   {}", describe_error(&error));
                    if let Some(why) = why_refused(&error, family, type_name, PROTO) {
                        println!("   {:<25} ({why})", "");
                    }
                }
            }
            // The socket, if one was made, is dropped here: close().
        }
    }
}

// ANCHOR: created
/// What a socket that was created turned out to be: the protocol proto 0 chose
/// (SO_PROTOCOL), and its type (SO_TYPE) when that is not the type asked for.
fn describe_created(socket: &Socket, family: Domain, asked: Type) -> String {
    let mut text = format!("created  {}", protocol_chosen(socket, family));
    match socket.r#type() {
        // SO_TYPE: the kernel may make something else than what was asked.
        Ok(actual) if actual != asked => {
            text.push_str(&format!(", but SO_TYPE says {}", type_name(actual)));
            if family == Domain::UNIX && asked == Type::RAW {
                text.push_str(&format!(
                    "\n   {:<25} (Linux quietly makes an AF_UNIX SOCK_RAW a SOCK_DGRAM)",
                    ""
                ));
            }
        }
        Ok(_) => {}
        Err(error) => text.push_str(&format!(", SO_TYPE unreadable: {error}")),
    }
    text
}
// ANCHOR_END: created

/// The protocol the kernel chose for `socket`, read back with SO_PROTOCOL. (Python's
/// `sk.proto` only repeats the 0 you passed; `sk.getsockopt(socket.SOL_SOCKET,
/// socket.SO_PROTOCOL)` asks the kernel, as this does.)
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
))]
pub fn protocol_chosen(socket: &Socket, family: Domain) -> String {
    use crate::names::protocol_name;

    match socket.protocol() {
        Ok(Some(protocol)) => {
            let number = i32::from(protocol);
            format!("SO_PROTOCOL {number} ({})", protocol_name(number))
        }
        // 0: a Unix socket has no protocol numbers to choose from.
        Ok(None) if family == Domain::UNIX => "SO_PROTOCOL 0 (AF_UNIX has none)".into(),
        Ok(None) => "SO_PROTOCOL 0".into(),
        Err(error) => format!("SO_PROTOCOL unreadable: {}", describe_error(&error)),
    }
}

/// macOS and most BSDs have no SO_PROTOCOL: the protocol chosen cannot be read back.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "fuchsia",
    windows
)))]
pub fn protocol_chosen(_socket: &Socket, _family: Domain) -> String {
    "(this system cannot report the protocol: it has no SO_PROTOCOL)".into()
}
