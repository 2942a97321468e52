#!/usr/bin/env python3
"""What the chapter on AF_UNIX says the kernel does with socket files (Linux).

Run: python3 book/experiments/unix-socket-files.py   (the permission check needs root,
which drops to the user nobody for it)
"""
import os
import socket
import tempfile

d = tempfile.mkdtemp()
os.chmod(d, 0o755)

# bind fails with EADDRINUSE when anything is at the path, even a plain file.
plain = os.path.join(d, 'plain')
open(plain, 'w').close()
try:
    socket.socket(socket.AF_UNIX).bind(plain)
except OSError as e:
    print('bind over a plain file:', e)

# No file: ENOENT. A socket file with no listener behind it: ECONNREFUSED.
for name, make in (('missing', None), ('stale', 'bind-and-close')):
    path = os.path.join(d, name)
    if make:
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()
    try:
        socket.socket(socket.AF_UNIX).connect(path)
    except OSError as e:
        print('connect to a %s path:' % name, e)

# sun_path: 108 bytes with the NUL, so 107 bytes of path at most.
for length in (107, 108):
    path = os.path.join(d, 'x' * (length - len(d) - 1))
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(path)
        print('bind, path of %d bytes: ok' % len(path))
        os.unlink(path)
    except OSError as e:
        print('bind, path of %d bytes: %s' % (len(path), e))
    s.close()

# A datagram socket pair never drops: a full queue makes the sender wait
# (here, non-blocking, it says EAGAIN instead of dropping).
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
a.setblocking(False)
sent = 0
try:
    while True:
        a.send(b'x' * 100)
        sent += 1
except BlockingIOError as e:
    print('AF_UNIX SOCK_DGRAM: %d datagrams queued, then send says: %s' % (sent, e))
received = 0
b.setblocking(False)
try:
    while b.recv(200):
        received += 1
except BlockingIOError:
    pass
print('... and the receiver finds all %d of them' % received)

# connect needs write permission on the socket file.
if os.geteuid() == 0:
    path = os.path.join(d, 'server')
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    os.chmod(path, 0o755)            # no write permission for others
    pid = os.fork()
    if pid == 0:
        os.setgid(65534)
        os.setuid(65534)
        try:
            socket.socket(socket.AF_UNIX).connect(path)
            print('connect as nobody, socket file mode 755: connected?')
        except OSError as e:
            print('connect as nobody, socket file mode 755:', e)
        os._exit(0)
    os.waitpid(pid, 0)
