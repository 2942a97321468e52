#!/usr/bin/env python3
"""A UDP datagram longer than the buffer: the rest is dropped, but not silently.

Run: python3 book/experiments/udp-truncation.py
"""
import socket

receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(('127.0.0.1', 0))
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

sender.sendto(b'x' * 100, receiver.getsockname())
print('recv(10) of a 100-byte datagram:', len(receiver.recv(10)), 'bytes')
sender.sendto(b'x' * 100, receiver.getsockname())
print('recv(10, MSG_TRUNC): returns', len(receiver.recv(10, socket.MSG_TRUNC)),
      '(the datagram\'s real length; 10 bytes were copied)')
sender.sendto(b'x' * 100, receiver.getsockname())
data, _, flags, _ = receiver.recvmsg(10)
print('recvmsg(10): %d bytes, MSG_TRUNC set in its flags: %s'
      % (len(data), bool(flags & socket.MSG_TRUNC)))
