//! unix-ipc: the demo, and the server and client over socket files in a temporary
//! directory, with each way a socket file trips people up.
#![cfg(unix)]

use std::fs;
use std::io::{Read, Write};
#[cfg(target_os = "linux")]
use std::net::Shutdown;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::thread;

use predicates::prelude::*;
use test_support::{DEADLINE, Program, Running, program_under_test, python_script, python3};

const CHAPTER: &str = "book/src/unix-ipc.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// A fresh temporary directory and a socket path inside it.
fn socket_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    (dir, path)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Starts `unix-ipc server PATH [extra]` and waits for `listening on PATH`.
fn start_server(path: &Path, extra: &[&str]) -> Running {
    let mut args = vec!["server", text(path)];
    args.extend_from_slice(extra);
    let mut server = program().spawn(&args);
    let first = server.next_line("`listening on PATH`");
    if first != format!("listening on {}", path.display()) {
        server.fail(&format!("expected `listening on {}`", path.display()));
    }
    server
}

fn connect(path: &Path) -> UnixStream {
    let stream = UnixStream::connect(path).expect("connect to the server's socket file");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Sends `data` and reads the reply until the server closes.
fn exchange(path: &Path, data: &[u8]) -> Vec<u8> {
    let mut stream = connect(path);
    stream.write_all(data).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("the reply, then EOF");
    reply
}

/// A socket file with no server behind it: bound, then closed without unlinking.
fn stale_socket_file(path: &Path) {
    // Bound, never listening: connect() to it is refused, as to a dead server's file.
    // (A listener closed at once would do too, but not reliably: another test's
    // fork may hold a copy of its descriptor for a moment, and it would still answer.)
    let socket = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)
        .expect("socket(AF_UNIX)");
    let address = socket2::SockAddr::unix(path).expect("a socket path");
    socket
        .bind(&address)
        .expect("bind a socket to leave behind");
    drop(socket);
    assert!(fs::symlink_metadata(path).unwrap().file_type().is_socket());
}

#[test]
fn the_demo_shows_every_part() {
    let run = program().run(&[], "");
    run.assert_success()
        .assert_stdout(
            predicate::str::contains("server | listening on /")
                .and(predicate::str::contains("/upper.sock\n")),
            "part 1: the server process listens on a socket file",
        )
        .assert_stdout(
            predicate::str::contains("ls -l: srw------- "),
            "part 1: the socket file has mode 0600",
        )
        .assert_stdout(
            predicate::str::contains("client | HELLO FROM ANOTHER PROCESS"),
            "part 1: the client process prints the reply",
        )
        .assert_stdout(
            predicate::str::contains("still there? false"),
            "part 1: the server removed its file",
        )
        .assert_stdout(
            predicate::str::contains("b.recvfrom(1024): b\"two\" from /")
                .and(predicate::str::contains("/a.dgram\n")),
            "part 2: each datagram apart, with the sender's name",
        )
        .assert_stdout(
            predicate::str::contains("from None"),
            "part 2: an unbound sender has no name",
        )
        .assert_stdout(
            predicate::str::contains("left.recv(1024): b\"pong\""),
            "part 3: the pair talks both ways",
        );
    #[cfg(target_os = "linux")]
    run.assert_stdout(
        predicate::str::contains("b\"NO FILE NEEDED\"")
            .and(predicate::str::contains("? false\n   connect"))
            .and(predicate::str::contains("Connection refused")),
        "part 4: an abstract name: no file, and gone with its socket",
    );
}

#[test]
fn serves_one_client_over_a_private_socket_file_and_removes_it() {
    let (_dir, path) = socket_path("upper.sock");
    let mut server = start_server(&path, &[]);
    let metadata = fs::symlink_metadata(&path).expect("the socket file exists");
    assert!(metadata.file_type().is_socket(), "{metadata:?}");
    let mode = metadata.permissions().mode() & 0o777;
    if mode != 0o600 {
        server.fail(&format!("the socket file's mode is {mode:04o}, not 0600"));
    }
    assert_eq!(exchange(&path, b"hello, unix"), b"HELLO, UNIX");
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("removed the socket file"),
        "says it removed its file",
    );
    assert!(!path.exists(), "the socket file is still there after exit");
}

#[test]
fn the_mode_option_widens_the_socket_file() {
    let (_dir, path) = socket_path("group.sock");
    let mut server = start_server(&path, &["--mode", "0660"]);
    let mode = fs::symlink_metadata(&path).unwrap().permissions().mode() & 0o777;
    if mode != 0o660 {
        server.fail(&format!("asked for 0660, the file has {mode:04o}"));
    }
    assert_eq!(exchange(&path, b"g"), b"G");
    for bad in ["0400", "9", "1777"] {
        program()
            .run(&["server", text(&path), "--mode", bad], "")
            .assert_clean_error();
    }
}

/// A client that shuts its reading side, so the server's send fails with EPIPE:
/// an error exit, after the socket file was made.
#[cfg(target_os = "linux")]
#[test]
fn an_error_exit_removes_the_socket_file_too() {
    let (_dir, path) = socket_path("epipe.sock");
    let server = start_server(&path, &[]);
    let mut stream = connect(&path);
    stream.shutdown(Shutdown::Read).unwrap();
    stream.write_all(b"not listening").unwrap();
    let run = server.finish();
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("hung up before taking its reply")
            .and(predicate::str::contains("Broken pipe")),
        "the failed send is explained",
    );
    assert!(!path.exists(), "the socket file survived an error exit");
}

#[test]
fn a_stale_socket_file_does_not_stop_a_restart() {
    let (_dir, path) = socket_path("stale.sock");
    stale_socket_file(&path);
    let server = start_server(&path, &[]);
    assert_eq!(exchange(&path, b"back again"), b"BACK AGAIN");
    server.finish().assert_success().assert_stderr(
        predicate::str::contains("removed a stale socket file"),
        "a note that it replaced a stale socket file",
    );
    assert!(!path.exists());
}

#[test]
fn a_live_server_is_never_replaced() {
    let (_dir, path) = socket_path("live.sock");
    let live = UnixListener::bind(&path).unwrap();
    program()
        .run(&["server", text(&path)], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains(format!("another server is listening on {}", path.display())),
            "names the path and the reason",
        );
    // The live server's file is still the one it is listening on.
    drop(UnixStream::connect(&path).expect("the live server still answers"));
    drop(live);
}

#[test]
fn a_client_that_hangs_up_without_a_word_does_not_end_the_session() {
    let (_dir, path) = socket_path("probe.sock");
    let server = start_server(&path, &[]);
    drop(connect(&path));
    assert_eq!(exchange(&path, b"second"), b"SECOND");
    server.finish().assert_success().assert_stdout(
        predicate::str::contains("hung up without sending"),
        "the empty connection is reported",
    );
}

#[test]
fn a_path_that_is_not_a_socket_is_left_alone() {
    let (dir, path) = socket_path("notes.txt");
    fs::write(&path, "precious notes\n").unwrap();
    program()
        .run(&["server", text(&path)], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("is a regular file, not a socket"),
            "says what is in the way",
        );
    assert_eq!(fs::read_to_string(&path).unwrap(), "precious notes\n");

    let sub = dir.path().join("a-directory");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("inside"), "kept").unwrap();
    program()
        .run(&["server", text(&sub)], "")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("is a directory, not a socket"),
            "says what is in the way",
        );
    assert_eq!(fs::read_to_string(sub.join("inside")).unwrap(), "kept");
}

#[test]
fn a_path_too_long_for_sun_path_is_a_clear_error() {
    let (dir, _) = socket_path("");
    let path = dir.path().join("x".repeat(120));
    let limit = if cfg!(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )) {
        "at most 103 bytes"
    } else {
        "at most 107 bytes"
    };
    for role in ["server", "client"] {
        program()
            .run(&[role, text(&path)], "hi\n")
            .assert_clean_error()
            .assert_stderr(
                predicate::str::contains(limit).and(predicate::str::contains("sun_path")),
                "names the limit",
            );
    }
}

#[test]
fn the_server_replies_to_bytes_that_are_not_utf8() {
    let (_dir, path) = socket_path("bytes.sock");
    let server = start_server(&path, &[]);
    assert_eq!(exchange(&path, b"ok \xff\xfe"), b"OK \xff\xfe");
    server.finish().assert_success().assert_stdout(
        predicate::str::contains(r#"b"ok \xff\xfe""#),
        "shows the bytes escaped",
    );
}

/// A test server at `path` that reads one message and answers with `reply`.
fn fake_server(path: &Path, reply: &'static [u8]) -> thread::JoinHandle<Vec<u8>> {
    let listener = UnixListener::bind(path).unwrap();
    thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut buffer = [0u8; 1024];
        let n = conn.read(&mut buffer).unwrap_or(0);
        conn.write_all(reply).unwrap();
        buffer[..n].to_vec()
    })
}

#[test]
fn the_client_prints_the_reply() {
    let (_dir, path) = socket_path("fake.sock");
    let server = fake_server(&path, "ÜBER".as_bytes());
    program()
        .run(&["client", text(&path)], "  über \n")
        .assert_success()
        .assert_stdout(predicate::eq("ÜBER\n"), "prints the reply as text");
    assert_eq!(server.join().unwrap(), "über".as_bytes());
}

#[test]
fn the_client_reports_a_bad_reply_or_none() {
    let (dir, path) = socket_path("bad.sock");
    let _server = fake_server(&path, b"\xff\xfe");
    program()
        .run(&["client", text(&path)], "hi\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("not valid UTF-8"),
            "an undecodable reply is an error that shows the bytes",
        );

    let silent = dir.path().join("silent.sock");
    let _server = fake_server(&silent, b"");
    program()
        .run(&["client", text(&silent)], "hi\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("closed the connection without replying"),
            "a server that hangs up",
        );
}

#[test]
fn the_client_explains_a_missing_or_stale_socket() {
    let (dir, path) = socket_path("nobody.sock");
    program()
        .run(&["client", text(&path)], "hi\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("is the server running?"),
            "no file",
        );
    let stale = dir.path().join("stale.sock");
    stale_socket_file(&stale);
    program()
        .run(&["client", text(&stale)], "hi\n")
        .assert_clean_error()
        .assert_stderr(
            predicate::str::contains("no server is listening on it"),
            "a stale file",
        );
}

#[test]
fn the_articles_client_in_python_talks_to_it_over_af_unix() {
    let Some(python) = python3(CHAPTER) else {
        return;
    };
    let (_dir, path) = socket_path("py.sock");
    let server = start_server(&path, &[]);
    python
        .run(
            &[&python_script("af_unix_client.py"), text(&path)],
            "hello from python\n",
        )
        .assert_success()
        .assert_stdout(
            predicate::str::contains("HELLO FROM PYTHON"),
            "Python's socket(AF_UNIX) client gets the reply",
        );
    server.finish().assert_success();
}

// --- Faults a real peer or user causes ---

/// The manners every program shares (program-support): `--help` and usage errors.
#[test]
fn help_prints_the_usage_and_a_bad_argument_is_a_usage_error() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_help_and_usage_errors(&["client", "/nonexistent.sock", "extra"]);
}

/// `program | head -1`: the reader goes away, and the program stops quietly.
#[test]
fn a_closed_stdout_ends_the_demo_quietly() {
    let program = test_support::program_under_test!("crates/program-support");
    program.assert_quiet_when_stdout_closes(&[]);
}

#[test]
fn sigterm_and_ctrl_c_remove_the_socket_file() {
    for signal in [
        test_support::SIGTERM,
        test_support::SIGINT,
        test_support::SIGHUP,
    ] {
        let (_dir, path) = socket_path("signal.sock");
        let mut server = start_server(&path, &[]);
        server.signal(signal);
        assert!(
            server.wait_exit().is_some(),
            "signal {signal} stops the server"
        );
        assert!(!path.exists(), "signal {signal}: the socket file is gone");
    }
}

#[test]
fn sigterm_leaves_a_file_that_replaced_the_socket() {
    let (dir, path) = socket_path("replaced.sock");
    let mut server = start_server(&path, &[]);
    let theirs = dir.path().join("theirs");
    fs::write(&theirs, "not yours").unwrap();
    fs::rename(&theirs, &path).unwrap();
    server.signal(test_support::SIGTERM);
    assert!(server.wait_exit().is_some(), "SIGTERM stops the server");
    assert_eq!(fs::read_to_string(&path).unwrap(), "not yours");
}
