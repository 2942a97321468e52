//! The packet lessons, run for real. Each program enters a private user and network
//! namespace of its own (or, run as root, a network namespace), so these tests need
//! Linux with unprivileged user namespaces or root. This machine and CI have both:
//! nothing here is skipped. On a system without them, each test fails with the
//! program's own message saying what is missing.
#![cfg(target_os = "linux")]

use std::process::Command;

use test_support::Program;

const CHAPTER: &str = "book/src/packets-on-the-wire.md";

fn tracer() -> Program {
    Program::new(env!("CARGO_BIN_EXE_packet-trace"), CHAPTER)
}

fn lines_with<'a>(text: &'a str, word: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(word)).collect()
}

#[test]
fn the_tracer_shows_a_handshake_whose_numbers_check_out() {
    let run = tracer().run(&[], "");
    run.assert_success();
    let out = &run.stdout;
    let order = [
        "client > server  SYN      seq=",
        "server > client  SYN/ACK  seq=",
        "client > server  ACK      seq=",
        "\"hello\\n\"",
        "\"HELLO\\n\"",
        "client > server  FIN/ACK",
        "server > client  FIN/ACK",
    ];
    let mut at = 0;
    for step in order {
        match out[at..].find(step) {
            Some(i) => at += i,
            None => run.fail(&format!("expected {step:?} after what came before")),
        }
    }
    assert!(lines_with(out, "SYN/ACK")[0].contains("(B)"), "{out}");
    assert!(lines_with(out, "SYN/ACK")[0].contains("(A+1)"), "{out}");
    assert!(
        lines_with(out, "client > server  ACK")[0].contains("(A+1)"),
        "{out}"
    );
    assert!(out.contains("(B+1)"), "{out}");
    assert!(out.contains("the numbers check out"), "{out}");
}

#[test]
fn the_tracer_traces_the_command_it_starts() {
    // The command is the tracer itself: told it is inside, it stays in the outer
    // tracer's namespace, and its connection shows in the outer trace.
    let me = tracer().path();
    let run = tracer().run(&["--", me], "");
    run.assert_success();
    assert!(
        run.stdout.starts_with(&format!("tracing: {me}\n")),
        "{}",
        run.stdout
    );
    let outer = run.stdout.rsplit("exited: ").next().unwrap_or("");
    assert!(
        outer.contains("connection 1: client 127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(outer.contains("the numbers check out"), "{}", run.stdout);
}

#[test]
fn the_tracer_runs_as_an_unprivileged_user() {
    // Run as root (CI), drop to nobody first; run as a user, that user is enough.
    let me = tracer().path();
    let mut command = Command::new("setpriv");
    command.args(["--reuid=65534", "--regid=65534", "--clear-groups", me]);
    // SAFETY: getuid only reads this process's credentials.
    let output = if unsafe { libc::getuid() } == 0 {
        command
            .output()
            .expect("setpriv (util-linux) must be installed to run this test")
    } else {
        Command::new(me).output().expect("run the tracer")
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("the numbers check out"), "{stdout}");
}

/// Runs the tracer inside a user namespace of the test's own, set up by `script`
/// (with `$TRACER` for the tracer's path) so that the tracer may not make the
/// namespaces it needs: the refusal a locked-down system gives. Needs unshare and
/// setpriv (util-linux), which this machine and CI have.
fn refused(script: &str) -> String {
    let output = Command::new("unshare")
        .args(["--user", "--map-root-user", "sh", "-c", script])
        .env("TRACER", tracer().path())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("unshare (util-linux) must be installed to run this test");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("cannot make a private network namespace"),
        "{stderr}"
    );
    stderr
}

#[test]
fn a_refused_namespace_tells_a_user_what_to_change() {
    // One more user namespace is allowed, and `unshare --user` takes it: the tracer,
    // an ordinary (unmapped) user in there, finds the limit reached.
    let stderr =
        refused("echo 1 > /proc/sys/user/max_user_namespaces && exec unshare --user \"$TRACER\"");
    assert!(
        stderr.contains("sudo sysctl user.max_user_namespaces="),
        "{stderr}"
    );
    assert!(stderr.contains("or run the program as root"), "{stderr}");
}

#[test]
fn a_refused_namespace_tells_root_what_it_lacks() {
    // Root of a namespace with every capability dropped, and no user namespace left.
    let stderr = refused(
        "echo 0 > /proc/sys/user/max_user_namespaces && \
         exec setpriv --inh-caps=-all --bounding-set=-all \"$TRACER\"",
    );
    assert!(stderr.contains("user.max_user_namespaces is 0"), "{stderr}");
    assert!(stderr.contains("CAP_SYS_ADMIN"), "{stderr}");
}

fn queues(part: &str) -> String {
    let run = Program::new(env!("CARGO_BIN_EXE_queues"), CHAPTER).run(&[part], "");
    run.assert_success();
    run.stdout
}

#[test]
fn a_closed_port_answers_the_syn_with_rst() {
    let out = queues("closed");
    assert!(out.contains("Connection refused (os error 111)"), "{out}");
    assert!(out.contains("client > server  SYN "), "{out}");
    let rst = lines_with(&out, "RST/ACK");
    assert!(rst.len() == 1 && rst[0].contains("(A+1)"), "{out}");
}

#[test]
fn a_connection_nobody_accepts_is_established_all_the_same() {
    let out = queues("no-accept");
    assert!(out.contains("the numbers check out"), "{out}");
    let data_ack = lines_with(&out, "server > client  ACK");
    assert!(data_ack.iter().any(|l| l.contains("(A+7)")), "{out}");
}

#[test]
fn a_full_accept_queue_drops_the_syn_and_the_client_sends_it_again() {
    let out = queues("full");
    let second = out
        .split("connection 2:")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    let syns = lines_with(second, "client > server  SYN ");
    assert_eq!(syns.len(), 2, "{out}");
    assert!(!second.contains("SYN/ACK"), "{out}");
    // The retransmission comes about one second after the first SYN.
    let time: f64 = syns[1]
        .trim()
        .trim_start_matches('+')
        .split('s')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.9..1.4).contains(&time), "{out}");
}

#[test]
fn a_hand_built_icmp_echo_gets_its_reply_and_the_ping_socket_needs_no_privilege() {
    let run = Program::new(env!("CARGO_BIN_EXE_raw-icmp"), CHAPTER).run(&[], "");
    run.assert_success();
    let out = &run.stdout;
    assert!(
        out.contains("(echo reply), checksum ok, data \"ping from Rust\""),
        "{out}"
    );
    assert!(
        out.contains("SOCK_RAW fails: Operation not permitted"),
        "{out}"
    );
    assert!(out.contains("but SOCK_DGRAM works"), "{out}");
}

#[test]
fn a_hand_built_syn_gets_a_syn_ack_and_the_kernel_resets_it() {
    let run = Program::new(env!("CARGO_BIN_EXE_raw-syn"), CHAPTER).run(&[], "");
    run.assert_success();
    let out = &run.stdout;
    assert!(
        out.contains("ack=1000001 = A+1: the server's kernel answers"),
        "{out}"
    );
    assert!(out.contains("caught RST     127.0.0.1:40000 >"), "{out}");
    assert!(
        out.contains("the RST ended the half-open connection"),
        "{out}"
    );
}
