#!/usr/bin/env python3
"""A stop signal (Ctrl-Z, then fg) cuts a blocking send short: it returns a count.

A child process sends 100 MB on a blocking socket to a peer that never reads; the
parent stops it (SIGTSTP) and lets it go on (SIGCONT), as Ctrl-Z and `fg` would.
Run: python3 book/experiments/signal-send.py
"""
import os
import signal
import socket
import time

SIZE = 100_000_000
listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(1)
sender = socket.create_connection(listener.getsockname())
peer, _ = listener.accept()            # never reads
child = os.fork()
if child == 0:
    sent = sender.send(b'x' * SIZE)
    print('blocking send(%d bytes) after a stop and a continue: returns %s'
          % (SIZE, 'all of them' if sent == SIZE else 'fewer'), flush=True)
    os._exit(0)
time.sleep(0.5)                         # the child is waiting in send by now
os.kill(child, signal.SIGTSTP)
time.sleep(0.2)
os.kill(child, signal.SIGCONT)
time.sleep(0.5)
if os.waitpid(child, os.WNOHANG) == (0, 0):
    print('blocking send: still waiting after a stop and a continue')
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
