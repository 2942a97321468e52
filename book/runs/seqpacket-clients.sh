# Exercise 04's server, finished (the reference answer), and two Python clients:
# one with SOCK_SEQPACKET, one with SOCK_STREAM.
. "$(dirname "$0")/common.sh"

# Like show, but prints the program in quotes, as a reader would type it.
py() {
    printf '$ python3 -c "%s"\n' "$1"
    python3 -c "$1"
}

start_server solution-socket-params "$RUNS_TMP/upper.sock"
cd "$RUNS_TMP"
py "import socket as s; c = s.socket(s.AF_UNIX, s.SOCK_SEQPACKET); c.connect('upper.sock'); [c.send(m) for m in (b'one', b'two and', b'three')]; print([c.recv(1024) for _ in range(3)])"
py "import socket as s; c = s.socket(s.AF_UNIX, s.SOCK_STREAM); c.connect('upper.sock')" || true
