//! Grades exercise 05, the server on a socket file that cleans up after itself.
//!
//! The same file grades the reference answer (solutions/05-unix-ipc). Every test
//! gives the server a PATH in a fresh temporary directory, sometimes with something
//! already there (a stale socket file, a live server's socket, a regular file, a
//! directory), talks to it over AF_UNIX, and looks at the file system afterwards.
#![cfg(unix)]

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use test_support::{DEADLINE, Finished, Program, Running, program_under_test};

const CHAPTER: &str = "the book's chapter \"AF_UNIX: sockets between processes\" \
    (book/src/unix-ipc.md), and exercises/05-unix-ipc/hint.md";

fn program() -> Program {
    program_under_test!(CHAPTER)
}

/// A fresh temporary directory, and a path in it for the socket.
fn socket_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("upper.sock");
    (dir, path)
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Starts the server at `path` and waits for `listening on PATH`.
#[track_caller]
fn start_server(path: &Path) -> Running {
    let mut server = program().spawn(&[arg(path)]);
    let first = server.next_line("its first line, `listening on PATH`");
    let wanted = format!("listening on {}", path.display());
    if first != wanted {
        server.fail(&format!(
            "The server's first line must be exactly `{wanted}`; it was {first:?}."
        ));
    }
    server
}

/// Connects to the server's socket file, with deadlines on reads and writes.
#[track_caller]
fn connect(server: &mut Running, path: &Path) -> UnixStream {
    let stream = UnixStream::connect(path).unwrap_or_else(|error| {
        server.fail(&format!(
            "The server said it was listening on {}, but connecting there failed: {error}",
            path.display()
        ))
    });
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Sends `message` and checks that the upper-cased reply comes back, then the
/// server closes the connection.
#[track_caller]
fn check_exchange(server: &mut Running, path: &Path, message: &str) {
    let mut stream = connect(server, path);
    stream.write_all(message.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let wanted = message.to_ascii_uppercase();
    if reply != wanted.as_bytes() {
        server.fail(&format!(
            "Sent {message:?}, expected the reply {wanted:?}, got {:?}.",
            String::from_utf8_lossy(&reply)
        ));
    }
}

/// Fails unless nothing is left at `path` after the server exited.
#[track_caller]
fn check_removed(run: &Finished, path: &Path, how: &str) {
    if fs::symlink_metadata(path).is_ok() {
        run.fail(&format!(
            "The server exited ({how}), and its socket file {} is still there. Closing a \
             socket does not remove its file: remove it yourself, in SocketFile's drop() \
             (TODO 3), so that it goes however main returns.",
            path.display()
        ));
    }
}

/// A socket file with no server behind it, as a killed server leaves one: bound,
/// then closed without being removed.
fn leave_stale_socket_file(path: &Path) {
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
    assert!(
        fs::symlink_metadata(path)
            .expect("the stale file")
            .file_type()
            .is_socket()
    );
}

#[test]
fn serves_one_client_over_the_socket_file() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    check_exchange(&mut server, &path, "hello over a socket file");
}

#[test]
fn the_socket_file_is_private_mode_0600() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    let metadata = match fs::symlink_metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) => server.fail(&format!(
            "The server is listening, but there is no file at {}: {error}",
            path.display()
        )),
    };
    if !metadata.file_type().is_socket() {
        server.fail(&format!(
            "The file at {} should be a socket; it is {:?}.",
            path.display(),
            metadata.file_type()
        ));
    }
    let mode = metadata.permissions().mode() & 0o777;
    if mode != 0o600 {
        server.fail(&format!(
            "The socket file's mode is {mode:04o}; it should be 0600, so that only its owner \
             may connect (TODO 2: fs::set_permissions after bind, before listen)."
        ));
    }
}

#[test]
fn removes_its_socket_file_when_it_exits() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    check_exchange(&mut server, &path, "bye");
    let run = server.finish();
    run.assert_success();
    check_removed(&run, &path, "after serving its client");
}

/// The client shuts its reading side before sending, so the server's reply fails
/// (EPIPE, "Broken pipe") and main returns an error.
#[cfg(target_os = "linux")]
#[test]
fn removes_its_socket_file_after_an_error_too() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    let mut stream = connect(&mut server, &path);
    stream.shutdown(std::net::Shutdown::Read).unwrap();
    stream.write_all(b"I will not read your reply").unwrap();
    let run = server.finish();
    run.assert_clean_error();
    check_removed(&run, &path, "with an error: its send failed");
}

#[test]
fn restarts_over_a_stale_socket_file() {
    let (_dir, path) = socket_path();
    leave_stale_socket_file(&path);
    let mut server = start_server(&path);
    check_exchange(&mut server, &path, "back after a crash");
}

#[test]
fn never_takes_over_a_live_servers_socket() {
    let (_dir, path) = socket_path();
    let live = UnixListener::bind(&path).expect("the other server's socket");
    let run = program().run(&[arg(&path)], "");
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(format!("another server is listening on {}", path.display())),
        &format!(
            "A server is listening on {}: connect() to it succeeds. Refuse with the error \
             `another server is listening on {}`, and leave its file alone.",
            path.display(),
            path.display()
        ),
    );
    if UnixStream::connect(&path).is_err() {
        run.fail(
            "The other server's socket file was removed or replaced: its clients can no \
             longer reach it. Only a socket that refuses connections is stale.",
        );
    }
    drop(live);
}

#[test]
fn never_deletes_a_regular_file() {
    let (_dir, path) = socket_path();
    fs::write(&path, "notes I want to keep\n").unwrap();
    let run = program().run(&[arg(&path)], "");
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("not a socket"),
        "PATH is a regular file: refuse with an error that says it is not a socket.",
    );
    if fs::read_to_string(&path).ok().as_deref() != Some("notes I want to keep\n") {
        run.fail(
            "PATH was a regular file with someone's notes in it, and now it is gone or \
             changed. Remove only a socket file, and only a stale one.",
        );
    }
}

#[test]
fn never_deletes_a_directory() {
    let (_dir, path) = socket_path();
    fs::create_dir(&path).unwrap();
    fs::write(path.join("inside.txt"), "kept").unwrap();
    let run = program().run(&[arg(&path)], "");
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("not a socket"),
        "PATH is a directory: refuse with an error that says it is not a socket.",
    );
    if fs::read_to_string(path.join("inside.txt")).ok().as_deref() != Some("kept") {
        run.fail("PATH was a directory, and its contents are gone. Remove only a socket file.");
    }
}

// --- Faults a real peer or user causes ---

#[test]
fn a_file_that_replaced_the_socket_is_never_removed() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    // Connected (the kernel queues us before accept), so the path is no longer
    // needed to reach the server. Now someone else puts a file of their own there.
    let mut stream = connect(&mut server, &path);
    let theirs = path.with_extension("theirs");
    fs::write(&theirs, "not yours").expect("write a file");
    fs::rename(&theirs, &path).expect("put it at the socket's path");
    stream.write_all(b"bye").expect("send");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let run = server.finish();
    if fs::read_to_string(&path).ok().as_deref() != Some("not yours") {
        run.fail(&format!(
            "While the server ran, its socket file at {} was replaced by another program's \
             regular file; when the server exited, that file was gone. Remove only your own \
             file: in drop(), compare symlink_metadata's (dev(), ino()) with the ones \
             recorded after bind (TODO 3).",
            path.display()
        ));
    }
}

#[test]
fn sigterm_removes_the_socket_file() {
    let (_dir, path) = socket_path();
    let mut server = start_server(&path);
    server.signal(test_support::SIGTERM);
    if server.wait_exit().is_none() {
        server.fail("The server was still running after SIGTERM.");
    }
    if fs::symlink_metadata(&path).is_ok() {
        server.fail(&format!(
            "SIGTERM ended the server and its socket file {} stayed behind. A signal runs no \
             destructor: keep the given program_support::remove_on_stop_signal(&path) call \
             right after bind.",
            path.display()
        ));
    }
}
