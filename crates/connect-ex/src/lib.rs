//! The symbolic name of an OS error number, such as `ECONNREFUSED`.
//!
//! A failed socket call leaves a number behind (C's `errno`, Windows'
//! `WSAGetLastError()`), and the number for one and the same failure differs from
//! one system to the next: a refused connection is 111 on Linux, 61 on macOS and
//! 10061 on Windows. The name is what a person recognises. Python keeps the table
//! in `errno.errorcode`; in Rust, `std` knows the messages but not the names, so
//! this small function supplies them.

// ANCHOR: errno_name
/// The name of OS error number `code` on the system this program runs on, as
/// Python's `errno.errorcode[code]` gives it: `ECONNREFUSED` for 111 on Linux or 61
/// on macOS, `WSAECONNREFUSED` for 10061 on Windows. `None` for 0 (no error) and for
/// numbers the system does not define.
pub fn errno_name(code: i32) -> Option<String> {
    platform::name(code)
}
// ANCHOR_END: errno_name

/// Linux, macOS and the BSDs: nix's `Errno` is an enum with one variant per name
/// in the system's own `errno.h`, so its `Debug` form is the name.
#[cfg(unix)]
mod platform {
    use nix::errno::Errno;

    pub fn name(code: i32) -> Option<String> {
        match Errno::from_raw(code) {
            Errno::UnknownErrno => None,
            known => Some(format!("{known:?}")),
        }
    }
}

/// Windows: socket calls report Winsock's own numbers, which no small crate names.
/// Winsock numbered them 10000 plus the BSD number (ECONNREFUSED is 61 on BSD,
/// WSAECONNREFUSED is 10061), and these are the ones a socket program meets.
#[cfg(windows)]
mod platform {
    pub fn name(code: i32) -> Option<String> {
        let name = match code {
            10004 => "WSAEINTR",
            10013 => "WSAEACCES",
            10022 => "WSAEINVAL",
            10024 => "WSAEMFILE",
            10035 => "WSAEWOULDBLOCK",
            10036 => "WSAEINPROGRESS",
            10037 => "WSAEALREADY",
            10038 => "WSAENOTSOCK",
            10047 => "WSAEAFNOSUPPORT",
            10048 => "WSAEADDRINUSE",
            10049 => "WSAEADDRNOTAVAIL",
            10050 => "WSAENETDOWN",
            10051 => "WSAENETUNREACH",
            10052 => "WSAENETRESET",
            10053 => "WSAECONNABORTED",
            10054 => "WSAECONNRESET",
            10055 => "WSAENOBUFS",
            10056 => "WSAEISCONN",
            10057 => "WSAENOTCONN",
            10058 => "WSAESHUTDOWN",
            10060 => "WSAETIMEDOUT",
            10061 => "WSAECONNREFUSED",
            10064 => "WSAEHOSTDOWN",
            10065 => "WSAEHOSTUNREACH",
            _ => return None,
        };
        Some(name.to_string())
    }
}

/// Any other system: no names, only numbers.
#[cfg(not(any(unix, windows)))]
mod platform {
    pub fn name(_code: i32) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::errno_name;
    use std::io::ErrorKind;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn a_refused_connection_is_named_econnrefused() {
        // Whatever this system's number for it, a refused connect is ECONNREFUSED
        // (WSAECONNREFUSED on Windows).
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let error = TcpStream::connect(addr).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ConnectionRefused);
        let code = error.raw_os_error().unwrap();
        let name = errno_name(code).unwrap();
        assert!(name.ends_with("ECONNREFUSED"), "{code} is named {name}");
    }

    #[test]
    fn zero_and_unknown_numbers_have_no_name() {
        assert_eq!(errno_name(0), None);
        assert_eq!(errno_name(-7), None);
        assert_eq!(errno_name(987_654), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_numbers_match_the_books_table() {
        for (code, name) in [
            (11, "EAGAIN"),
            (98, "EADDRINUSE"),
            (99, "EADDRNOTAVAIL"),
            (101, "ENETUNREACH"),
            (104, "ECONNRESET"),
            (110, "ETIMEDOUT"),
            (111, "ECONNREFUSED"),
            (113, "EHOSTUNREACH"),
            (115, "EINPROGRESS"),
        ] {
            assert_eq!(errno_name(code).as_deref(), Some(name), "error {code}");
        }
    }

    #[cfg(target_os = "macos")]
    #[test]
    fn macos_numbers_match_the_books_table() {
        for (code, name) in [
            (35, "EAGAIN"),
            (36, "EINPROGRESS"),
            (48, "EADDRINUSE"),
            (49, "EADDRNOTAVAIL"),
            (51, "ENETUNREACH"),
            (54, "ECONNRESET"),
            (60, "ETIMEDOUT"),
            (61, "ECONNREFUSED"),
            (65, "EHOSTUNREACH"),
        ] {
            assert_eq!(errno_name(code).as_deref(), Some(name), "error {code}");
        }
    }
}
