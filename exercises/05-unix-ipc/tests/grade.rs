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
use test_support::{DEADLINE, Finished, Program, Running, Transcript, program_under_test};

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

/// Runs the server at a PATH where something already is, which it must refuse.
/// If it starts listening instead, it has taken the path over: that is said first,
/// without waiting for it to give up.
#[track_caller]
fn run_expecting_refusal(
    path: &Path,
    setup: &str,
    taken_over: &dyn Fn(&Path) -> String,
) -> Finished {
    let mut server = program().spawn(&[arg(path)]);
    if let Some(line) = server.try_next_line() {
        if line.starts_with("listening on") {
            let problem = taken_over(path);
            let by_hand = format!(
                "{setup}\n{}\nls -l /tmp/upper.sock",
                server.program().cargo_run("/tmp/upper.sock")
            );
            server.fail_exchange(&problem, &Transcript::default(), &by_hand);
        }
    }
    server.finish()
}

#[test]
fn never_takes_over_a_live_servers_socket() {
    let (_dir, path) = socket_path();
    let live = UnixListener::bind(&path).expect("the other server's socket");
    let shown = path.display().to_string();
    let setup = "cargo run -q -p unix-ipc -- server /tmp/upper.sock &   # the other server";
    let run = run_expecting_refusal(&path, setup, &|path| {
        let still = if UnixStream::connect(path).is_ok() {
            "its file is still there, but it is yours now"
        } else {
            "its file is gone"
        };
        format!(
            "Another server is listening on {shown}, and your server took the path over: it \
             printed `listening on` ({still}). The other server's clients can no longer \
             reach it. A socket file is stale only when connect() to it is refused; if \
             connect() succeeds, refuse with `another server is listening on {shown}` and \
             leave the file alone (TODO 1)."
        )
    });
    if UnixStream::connect(&path).is_err() {
        run.fail(&format!(
            "The other server's socket file at {shown} was removed or replaced: its clients \
             can no longer reach it. Only a socket that refuses connections is stale; a \
             live one means `another server is listening on {shown}` (TODO 1)."
        ));
    }
    run.assert_clean_error().assert_stderr(
        predicate::str::contains(format!("another server is listening on {shown}")),
        &format!(
            "A server is listening on {shown}: connect() to it succeeds. Refuse with the error \
             `another server is listening on {shown}`, and leave its file alone."
        ),
    );
    drop(live);
}

#[test]
fn never_deletes_a_regular_file() {
    let (_dir, path) = socket_path();
    fs::write(&path, "notes I want to keep\n").unwrap();
    let shown = path.display().to_string();
    let kept =
        |path: &Path| fs::read_to_string(path).ok().as_deref() == Some("notes I want to keep\n");
    let gone = format!(
        "PATH, {shown}, was a regular file with someone's notes in it, and the server \
         deleted it to make room for its socket. Look before you remove: \
         fs::symlink_metadata(path), and if it is not a socket (file_type().is_socket()), \
         refuse with an error that says so. Never delete what you did not make (TODO 1)."
    );
    let setup = "echo 'notes I want to keep' > /tmp/upper.sock";
    let run = run_expecting_refusal(&path, setup, &|_| gone.clone());
    if !kept(&path) {
        run.fail(&gone);
    }
    run.assert_clean_error().assert_stderr(
        predicate::str::contains("not a socket"),
        "PATH is a regular file: refuse with an error that says it is not a socket.",
    );
}

/// A symlink is not a socket, whatever it points to: the server must look at the
/// link itself (symlink_metadata), refuse it, and delete neither it nor its target.
#[test]
fn never_follows_or_deletes_a_symlink() {
    use test_support::peers::{live_socket, regular_file, stale_socket, symlink_to};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = regular_file(dir.path(), "notes.txt", b"keep me");
    let stale = stale_socket(dir.path(), "stale.sock");
    let (live, _listener) = live_socket(dir.path(), "live.sock");
    for (name, target, what) in [
        ("to-file.sock", &file, "a regular file"),
        ("to-stale.sock", &stale, "a stale socket"),
        ("to-live.sock", &live, "a live server's socket"),
    ] {
        let link = symlink_to(dir.path(), name, target);
        let shown = link.display().to_string();
        let problem = format!(
            "PATH, {shown}, is a symbolic link to {what}. A link is not a socket, whatever \
             it points to: look at PATH itself with fs::symlink_metadata (fs::metadata \
             follows the link), refuse it, and delete neither the link nor its target."
        );
        let setup = format!("ln -s {} /tmp/upper.sock", target.display());
        let run = run_expecting_refusal(&link, &setup, &|_| problem.clone());
        let link_kept = fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink());
        let target_kept = fs::symlink_metadata(target).is_ok();
        if !link_kept || !target_kept {
            run.fail(&format!(
                "{problem}\nAfterwards the link is {} and its target is {}.",
                if link_kept { "there" } else { "gone" },
                if target_kept { "there" } else { "gone" },
            ));
        }
        run.assert_clean_error();
    }
}

/// `UnixListener::bind` binds *and* listens; a chmod after it leaves a moment in
/// which anyone may connect. The spy sees the file's mode at the call to listen().
#[cfg(target_os = "linux")]
#[test]
fn the_socket_file_is_private_from_the_moment_it_is_reachable() {
    let (_dir, path) = socket_path();
    let spy = test_support::peers::ListenSpy::build();
    // A permissive umask, as many users have: bind() makes the file 0777 & !umask.
    let mut server = spy.spawn(&program(), &[arg(&path)]);
    let first = server.next_line("its first line, `listening on PATH`");
    if !first.starts_with("listening on") {
        server.fail(&format!(
            "The server's first line should be `listening on PATH`: {first:?}"
        ));
    }
    let listens = spy.listens();
    let shown = path.display().to_string();
    let Some((mode, _)) = listens.iter().find(|(_, p)| *p == shown) else {
        server.fail(&format!(
            "The test watches the server's listen() calls, and saw none on {shown}: {listens:?}"
        ))
    };
    match mode {
        Some(mode) if mode & 0o077 == 0 => {}
        Some(mode) => server.fail(&format!(
            "When the server called listen() on {shown}, the file's mode was {mode:04o}: from \
             that moment clients may connect, and for a while anyone could, before the mode \
             became 0600. UnixListener::bind binds and listens in one call, so a chmod after \
             it is too late. Make the socket with socket2 and set the mode between bind and \
             listen: bind, fs::set_permissions(path, 0o600), then listen (TODO 2)."
        )),
        None => server.fail(&format!(
            "When the server called listen() on {shown}, there was no file at that path."
        )),
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
