#!/bin/sh
# Runs every experiment and checks that each still prints what the book says (Linux).
# The root-only ones are skipped, with a note, when not run as root.
#   sh book/experiments/check-all.sh
set -u
cd "$(dirname "$0")"
failed=0
expect() {  # NAME TEXT: the output of NAME (kept in $out) must contain TEXT
    if printf '%s\n' "$out" | grep -qF -- "$2"; then
        echo "ok    $1: $2"
    else
        echo "FAIL  $1: expected '$2' in:"; printf '%s\n' "$out" | sed 's/^/      /'
        failed=1
    fi
}
out=$(python3 reuse-address.py 2>&1)
expect reuse-address "old server without,      new server with option:  bind fails"
expect reuse-address "old server with option,  new server without:      bind fails"
expect reuse-address "old server with option,  new server with option:  bind succeeds"
expect reuse-address "a second listener, both with the option: bind fails"
out=$(sh loopback-mss.sh 2>&1)
expect loopback-mss "pmtu:65535 advmss:65483"
out=$(python3 udp-truncation.py 2>&1)
expect udp-truncation "recv(10, MSG_TRUNC): returns 100"
expect udp-truncation "MSG_TRUNC set in its flags: True"
out=$(python3 udp-refused.py 2>&1)
expect udp-refused "by default:        recvfrom hears nothing"
expect udp-refused "with IP_RECVERR:   recvfrom raises [Errno 111]"
out=$(python3 blocking-send.py 2>&1)
expect blocking-send "a reader at the other end: returns 8388608"
expect blocking-send "nobody reading: returns"
out=$(python3 signal-send.py 2>&1)
expect signal-send "after a stop and a continue: returns fewer"
out=$(python3 listener-timeout.py 2>&1)
expect listener-timeout "[Errno 11] Resource temporarily unavailable after 0.3 s"
out=$(python3 orphan-rst.py 2>&1)
expect orphan-rst "FIN-WAIT-2, process: none (orphaned)"
expect orphan-rst "server's end after the client's send: gone (reset)"
out=$(python3 unix-socket-files.py 2>&1)
expect unix-socket-files "bind over a plain file: [Errno 98]"
expect unix-socket-files "bind, path of 107 bytes: ok"
expect unix-socket-files "bind, path of 108 bytes: AF_UNIX path too long"
expect unix-socket-files "and the receiver finds all"
if [ "$(id -u)" = 0 ]; then
    expect unix-socket-files "mode 755: [Errno 13] Permission denied"
    out=$(sh syn-queue.sh 2>&1)
    expect syn-queue "tcp_syncookies=1 tcp_max_syn_backlog=2048 somaxconn=4096 listen(8), 30 SYNs: 9 in SYN_RECV"
    expect syn-queue "tcp_syncookies=1 tcp_max_syn_backlog=2048 somaxconn=4    listen(8), 30 SYNs: 5 in SYN_RECV"
    expect syn-queue "tcp_syncookies=0 tcp_max_syn_backlog=16   somaxconn=4096 listen(100), 30 SYNs: 13 in SYN_RECV"
    expect syn-queue "tcp_syncookies=1 tcp_max_syn_backlog=16   somaxconn=4096 listen(100), 30 SYNs: 30 in SYN_RECV"
    out=$(sh connect-timeout.sh 2>&1)
    expect connect-timeout "[Errno 115] Operation now in progress after 0.3 s"
else
    echo "skip  syn-queue, connect-timeout and the permission check: they need root"
fi
exit $failed
