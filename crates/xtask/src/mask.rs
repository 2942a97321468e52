//! What changes from one run of an example to the next, masked so that two runs can
//! be compared: ports, durations, socket inodes, process ids and temporary paths (and,
//! for measured figures, every number).

/// `text` with everything that varies between runs replaced by a placeholder.
/// With `numbers`, every number is replaced too.
pub fn mask(text: &str, numbers: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let before = out.chars().next_back();
        match masked_token(rest, before, &out, numbers) {
            Some((len, placeholder)) => {
                out.push_str(placeholder);
                rest = &rest[len..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// If `rest` starts with something that varies, its length and its placeholder.
/// `before` is the character just before it, `done` the text masked so far.
fn masked_token(
    rest: &str,
    before: Option<char>,
    done: &str,
    numbers: bool,
) -> Option<(usize, &'static str)> {
    let starts_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_');
    // A temporary file or folder: /tmp/.tmpAbC123
    if let Some(name) = rest.strip_prefix("/tmp/") {
        let len = name
            .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
            .unwrap_or(name.len());
        return Some(("/tmp/".len() + len, "/tmp/<TMP>"));
    }
    // An inode, as /proc/PID/fd shows a socket: socket:[123456]
    if let Some(digits) = rest.strip_prefix("socket:[") {
        let len = digit_run(digits);
        if len > 0 && digits[len..].starts_with(']') {
            return Some(("socket:[".len() + len + 1, "socket:[<INODE>]"));
        }
    }
    // A process id (/proc/4242/, pid 4242, pid=4242) or a port named as such (port 4242)
    for (prefix, placeholder) in [
        ("/proc/", "/proc/<PID>"),
        ("pid ", "pid <PID>"),
        ("pid=", "pid=<PID>"),
        ("port ", "port <PORT>"),
        // TCP's numbers as packet-trace prints them: random initial sequence numbers
        // (seq=2739120553), and windows that depend on the kernel's buffer sizes
        ("seq=", "seq=<N>"),
        ("ack=", "ack=<N>"),
        ("win=", "win=<N>"),
    ] {
        if let Some(digits) = rest.strip_prefix(prefix) {
            let len = digit_run(digits);
            if len > 0 && (prefix == "/proc/" || starts_word) {
                return Some((prefix.len() + len, placeholder));
            }
        }
    }
    // A port after an address: 127.0.0.1:59451, [::1]:59451, localhost:59451
    if let Some(digits) = rest.strip_prefix(':') {
        let len = digit_run(digits);
        if (1..=5).contains(&len) && ends_with_address(done) {
            return Some((1 + len, ":<PORT>"));
        }
    }
    // A port after an address and a space, as nc takes them: nc 127.0.0.1 59451
    if let Some(address) = done.strip_suffix(' ') {
        let len = digit_run(rest);
        let ends = !rest[len..].starts_with(|c: char| c.is_alphanumeric() || c == '.');
        if (1..=5).contains(&len) && ends && ends_with_address(address) {
            return Some((len, "<PORT>"));
        }
    }
    // A port in a Python address tuple: ('127.0.0.1', 59451)
    if let Some(address) = done.strip_suffix("', ") {
        let len = digit_run(rest);
        if (1..=5).contains(&len) && ends_with_address(address) {
            return Some((len, "<PORT>"));
        }
    }
    // A duration: 323.0ms, 89.8µs, 2 s; or, with `numbers`, any number.
    if starts_word && rest.starts_with(|c: char| c.is_ascii_digit()) {
        let number = number_len(rest);
        if let Some(unit) = duration_unit(&rest[number..]) {
            return Some((number + unit, "<T>"));
        }
        if numbers {
            return Some((number, "N"));
        }
    }
    None
}

/// How many ASCII digits `text` starts with.
fn digit_run(text: &str) -> usize {
    text.find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len())
}

/// The length of the number `text` starts with: digits, then maybe `.` and digits,
/// again and again (`3.11.7`).
fn number_len(text: &str) -> usize {
    let mut len = digit_run(text);
    while let Some(fraction) = text[len..].strip_prefix('.') {
        match digit_run(fraction) {
            0 => break,
            digits => len += 1 + digits,
        }
    }
    len
}

/// If `text` starts with a time unit (maybe after one space) that ends a word, its
/// length including the space.
fn duration_unit(text: &str) -> Option<usize> {
    let space = usize::from(text.starts_with(' '));
    let after_space = &text[space..];
    ["ns", "µs", "us", "ms", "s"]
        .iter()
        .find(|unit| {
            after_space.starts_with(*unit)
                && !after_space[unit.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
        .map(|unit| space + unit.len())
}

/// Whether `text` ends with an IPv4 address, a bracketed IPv6 address or `localhost`
/// (already masked text, so a port placeholder never precedes it).
fn ends_with_address(text: &str) -> bool {
    if text.ends_with(']') || text.ends_with("localhost") {
        return true;
    }
    let tail: String = text
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    tail.matches('.').count() == 3 && tail.chars().next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn ports_after_addresses_are_masked() {
        assert_eq!(
            mask(
                "listening on 127.0.0.1:59451 and [::1]:8088, port 4242",
                false
            ),
            "listening on 127.0.0.1:<PORT> and [::1]:<PORT>, port <PORT>"
        );
    }

    #[test]
    fn a_colon_after_words_is_kept() {
        assert_eq!(
            mask("step 1: recv: 42 bytes", false),
            "step 1: recv: 42 bytes"
        );
    }

    #[test]
    fn durations_are_masked_but_counts_are_not() {
        assert_eq!(
            mask(
                "gave up after 323.0ms (89.8µs, 2 s), 3 sockets, 54 bytes",
                false
            ),
            "gave up after <T> (<T>, <T>), 3 sockets, 54 bytes"
        );
    }

    #[test]
    fn inodes_pids_and_temporary_paths_are_masked() {
        assert_eq!(
            mask(
                "/proc/4242/fd/3 -> socket:[98765] at /tmp/.tmpAbC1_2/s.sock, pid 77, pid=78",
                false
            ),
            "/proc/<PID>/fd/3 -> socket:[<INODE>] at /tmp/<TMP>/s.sock, pid <PID>, pid=<PID>"
        );
    }

    #[test]
    fn tcp_numbers_are_masked_but_their_names_are_not() {
        assert_eq!(
            mask(
                "SYN/ACK  seq=3803481042 (B) ack=1129856824 (A+1) win=65483 len=0",
                false
            ),
            "SYN/ACK  seq=<N> (B) ack=<N> (A+1) win=<N> len=0"
        );
    }

    #[test]
    fn numbers_mode_masks_every_number() {
        assert_eq!(
            mask("TCP 64 KiB  3.1 GiB/s  0.42x in 12ms, Python 3.11.7", true),
            "TCP N KiB  N GiB/s  Nx in <T>, Python N"
        );
    }

    #[test]
    fn digits_inside_words_are_kept() {
        assert_eq!(mask("utf8 AF_INET6 v0.5", true), "utf8 AF_INET6 v0.5");
    }
}
