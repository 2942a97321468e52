#!/usr/bin/env python3
"""The socket-speed benchmark's Python half: the articles' code, timed.

Run:  python3 python/speed.py [SECONDS]      (SECONDS per measurement, default 0.5)

`cargo run --release -p socket-speed` runs it and sets its figures beside Rust's.
Both ends are Python, written the way the articles write them: socket.socket(),
send, recv(1024), sendall, close. The server is a second Python process (this same
file, run with --serve), so that the two ends do not share one interpreter lock,
just as the articles' server and client are two programs. Three measurements, in
this order, the server taking the connections in the same order, each three
times over with a third of the time (the best of the three counts, as in the Rust
half: other programs on the machine can only slow a round down):

  1. round trips on one connection: send b'hello', recv(1024) the b'HELLO';
  2. round trips with a new connection each, as the article's client does; a
     connection that sends nothing tells the server that this part is over;
  3. bulk transfer: sendall 1024 bytes at a time, the server's recv(1024) counts
     them, and at the end sends the count back so both ends agree on it.

It prints one line per measurement, for the Rust program to read:
  round_trips_one_connection COUNT SECONDS
  round_trips_new_connection COUNT SECONDS
  tcp_1024 BYTES_SENT BYTES_RECEIVED RECVS SECONDS
"""
import socket
import subprocess
import sys
import time

MESSAGE = b'hello'
ROUNDS = 3


def serve(budget):
    sk = socket.socket()
    sk.bind(('127.0.0.1', 0))
    sk.listen(5)
    # Only accept() waits with a timeout, so an orphaned server does not wait for
    # ever; the accepted sockets stay plain blocking ones, as in the articles.
    sk.settimeout(budget + 10)
    print('listening on %s:%d' % sk.getsockname(), flush=True)

    for _ in range(ROUNDS):
        serve_rounds(sk)
    sk.close()


def serve_rounds(sk):
    # 1. One connection: the article's server in a loop.
    conn, addr = sk.accept()
    while True:
        read_data = conn.recv(1024)
        if not read_data:
            break
        conn.send(read_data.upper())
    conn.close()

    # 2. A new connection per round trip: the article's server, exactly.
    while True:
        conn, addr = sk.accept()
        read_data = conn.recv(1024)
        if not read_data:
            conn.close()
            break
        conn.send(read_data.upper())
        conn.close()

    # 3. Bulk: count what arrives, and the recv calls, then tell the client.
    conn, addr = sk.accept()
    received = recvs = 0
    while True:
        data = conn.recv(1024)
        if not data:
            break
        received += len(data)
        recvs += 1
    conn.sendall(b'%d %d' % (received, recvs))
    conn.close()


def recv_reply(sk):
    reply = b''
    while len(reply) < len(MESSAGE):         # recv(1024) promises no whole message
        data = sk.recv(1024)
        if not data:
            raise RuntimeError('the server closed the connection without replying')
        reply += data
    if reply != MESSAGE.upper():
        raise RuntimeError('the server replied %r' % reply)


def one_connection(addr, budget):
    sk = socket.socket()
    sk.connect(addr)
    count = 0
    start = time.perf_counter()
    while True:
        sk.send(MESSAGE)
        recv_reply(sk)
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            break
    sk.close()
    return count, elapsed


def new_connection_each(addr, budget):
    count = 0
    start = time.perf_counter()
    while True:
        sk = socket.socket()
        sk.connect(addr)
        sk.send(MESSAGE)
        recv_reply(sk)
        sk.close()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            break
    socket.create_connection(addr).close()   # connect, send nothing: part 2 is over
    return count, elapsed


def bulk(addr, budget):
    sk = socket.socket()
    sk.connect(addr)
    data = b'x' * 1024
    sent = 0
    start = time.perf_counter()
    while True:
        sk.sendall(data)
        sent += len(data)
        if time.perf_counter() - start >= budget:
            break
    sk.shutdown(socket.SHUT_WR)              # "that is all": the server's recv gets b''
    received, recvs = map(int, sk.recv(1024).split())
    elapsed = time.perf_counter() - start
    sk.close()
    return sent, received, recvs, elapsed


def measure_all(addr, budget):
    return (one_connection(addr, budget), new_connection_each(addr, budget),
            bulk(addr, budget))


def main():
    args = sys.argv[1:]
    if args[:1] == ['--serve']:
        serve(float(args[1]))
        return
    budget = float(args[0]) if args else 0.5
    server = subprocess.Popen([sys.executable, __file__, '--serve', str(budget)],
                              stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline().strip()
        if not first.startswith('listening on '):
            raise RuntimeError('the server said %r, not "listening on ADDR"' % first)
        host, port = first[len('listening on '):].rsplit(':', 1)
        addr = (host, int(port))
        rounds = [measure_all(addr, budget / ROUNDS) for _ in range(ROUNDS)]
        # The best round of each: the most per second.
        best = [max((r[i] for r in rounds), key=lambda m: m[0] / m[-1]) for i in range(3)]
        print('round_trips_one_connection %d %.6f' % best[0])
        print('round_trips_new_connection %d %.6f' % best[1])
        print('tcp_1024 %d %d %d %.6f' % best[2])
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()


if __name__ == '__main__':
    main()
