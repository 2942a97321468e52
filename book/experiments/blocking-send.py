#!/usr/bin/env python3
"""What a blocking send returns when the data is far bigger than the send buffer.

Run: python3 book/experiments/blocking-send.py
"""
import socket
import struct
import threading

SIZE = 8 * 1024 * 1024

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(1)
sender = socket.create_connection(listener.getsockname())
receiver, _ = listener.accept()
print('send buffer: %d bytes' % sender.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))


def read_all():
    while receiver.recv(65536):
        pass


reader = threading.Thread(target=read_all)
reader.start()
print('blocking send(%d bytes), a reader at the other end: returns %d'
      % (SIZE, sender.send(b'x' * SIZE)))

# SO_SNDTIMEO: a blocking send that may wait at most 0.2 s, and nobody reading.
idle = socket.create_connection(listener.getsockname())
idle_peer, _ = listener.accept()
idle.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack('ll', 0, 200000))
sent = idle.send(b'x' * SIZE)
print('blocking send(%d bytes) with SO_SNDTIMEO 0.2 s, nobody reading: returns %d'
      % (SIZE, sent))
idle.setblocking(False)
try:
    print('non-blocking send(%d bytes): returns %d' % (SIZE, idle.send(b'x' * SIZE)))
except BlockingIOError as e:
    print('non-blocking send, buffers full: %s' % e)
sender.close()
reader.join()
