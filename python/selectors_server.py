"""The upper-casing server for many clients, as a Python learner writes it with
`selectors`: one thread, non-blocking sockets, a readiness loop. The Python twin of
`cargo run -p concurrent-server -- --mode poll` (chapter "Serving many clients"),
kept plain: no idle timeout, no line cap.

    python3 python/selectors_server.py [PORT]      (127.0.0.1:9999 by default)
"""

import resource
import selectors
import socket
import sys

# A socket per client: raise the soft limit on open files to the hard limit.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
sel = selectors.DefaultSelector()

sk = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(("127.0.0.1", port))
sk.listen(1024)  # the same backlog as the Rust servers
sk.setblocking(False)
sel.register(sk, selectors.EVENT_READ)
print("listening on %s:%d" % sk.getsockname(), flush=True)

# For each client: the bytes of a line not finished yet, and answers not yet sent.
partial = {}
unsent = {}


def close(conn):
    sel.unregister(conn)
    del partial[conn], unsent[conn]
    conn.close()


while True:
    for key, events in sel.select():
        if key.fileobj is sk:
            conn, addr = sk.accept()
            conn.setblocking(False)
            partial[conn] = b""
            unsent[conn] = b""
            sel.register(conn, selectors.EVENT_READ)
            continue
        conn = key.fileobj
        if events & selectors.EVENT_READ:
            try:
                data = conn.recv(4096)
            except ConnectionError:
                close(conn)
                continue
            if not data:
                close(conn)
                continue
            *lines, partial[conn] = (partial[conn] + data).split(b"\n")
            for line in lines:
                unsent[conn] += line.upper() + b"\n"
        if unsent[conn]:
            try:
                sent = conn.send(unsent[conn])
            except BlockingIOError:
                sent = 0
            except ConnectionError:
                close(conn)
                continue
            unsent[conn] = unsent[conn][sent:]
        # Ask to hear when it can take more, only while something waits to go.
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if unsent[conn] else 0)
        if wanted != key.events:
            sel.modify(conn, wanted)
