//! Part 1 of the demo: a server and a client, two processes (this program, started
//! twice), talking over a socket file.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

/// Part 1: this program started twice, as `server PATH` and as `client PATH`.
pub fn two_processes(dir: &Path) -> Result<()> {
    println!("1. socket(AF_UNIX, SOCK_STREAM): a server and a client, two processes");
    let path = dir.join("upper.sock");
    let shown = path.display();
    let me = std::env::current_exe().context("finding this program's own file failed")?;

    let mut server = Started::new(
        Command::new(&me)
            .arg("server")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "server",
    )?;
    let mut server_out = BufReader::new(server.0.stdout.take().context("the server's stdout")?);
    let mut first = String::new();
    server_out
        .read_line(&mut first)
        .context("reading the server's first line failed")?;
    if first.is_empty() {
        bail!("the server exited before listening: {}", server.stderr());
    }
    println!("   server | {}", first.trim_end());

    // ANCHOR: ls
    // os.lstat(path): the socket is a file now, of its own type.
    let metadata = fs::symlink_metadata(&path).with_context(|| format!("lstat({shown}) failed"))?;
    println!(
        "   ls -l: {} {shown}  (a socket file: mode {:04o}, so only its owner may connect)",
        ls_mode(&metadata),
        metadata.permissions().mode() & 0o777
    );
    // ANCHOR_END: ls

    let mut client = Started::new(
        Command::new(&me)
            .arg("client")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "client",
    )?;
    let typed = "hello from another process";
    client
        .0
        .stdin
        .take()
        .context("the client's stdin")?
        .write_all(format!("{typed}\n").as_bytes())
        .context("typing into the client failed")?;
    println!("   client < {typed}   (typed on its stdin)");
    let client_status = client.0.wait().context("waiting for the client failed")?;
    let mut client_out = String::new();
    client
        .0
        .stdout
        .take()
        .context("the client's stdout")?
        .read_to_string(&mut client_out)
        .context("reading the client's output failed")?;

    // The server's other lines, once it has exited, so the two never interleave.
    let mut server_rest = String::new();
    server_out
        .read_to_string(&mut server_rest)
        .context("reading the server's output failed")?;
    let server_status = server.0.wait().context("waiting for the server failed")?;
    for line in server_rest.lines() {
        println!("   server | {line}");
    }
    for line in client_out.lines() {
        println!("   client | {line}");
    }
    if !client_status.success() {
        bail!("the client failed: {}", client.stderr());
    }
    if !server_status.success() {
        bail!("the server failed: {}", server.stderr());
    }
    println!(
        "   both have exited; is {shown} still there? {}",
        fs::symlink_metadata(&path).is_ok()
    );
    Ok(())
}

/// A child process that is killed if the demo stops early.
struct Started(Child, &'static str);

impl Started {
    fn new(command: &mut Command, what: &'static str) -> Result<Started> {
        let child = command
            .spawn()
            .with_context(|| format!("starting the {what} failed"))?;
        // Drop kills it; so does program-support if this demo is stopped by a
        // signal or a closed stdout, which run no destructor.
        program_support::end_with_this_program(&child);
        Ok(Started(child, what))
    }

    /// What the child wrote on stderr (once it has exited).
    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.0.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        format!("the {} said: {}", self.1, text.trim_end())
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `srw-------`, as `ls -l` shows a socket file with mode 0600.
fn ls_mode(metadata: &fs::Metadata) -> String {
    let kind = metadata.file_type();
    let mut text = String::from(if kind.is_socket() {
        's'
    } else if kind.is_dir() {
        'd'
    } else {
        '-'
    });
    let mode = metadata.permissions().mode();
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 0o7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}
