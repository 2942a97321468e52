#!/usr/bin/env python3
"""An unconnected UDP socket sends to a port nobody holds: does it hear the refusal?

The kernel at the other end answers with an ICMP "port unreachable". A connected
socket reports it as ECONNREFUSED; an unconnected one only with IP_RECVERR (Linux).
Run: python3 book/experiments/udp-refused.py
"""
import socket

IP_RECVERR = getattr(socket, 'IP_RECVERR', 11)   # Linux's number; Python may lack the name

nobody = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
nobody.bind(('127.0.0.1', 0))
dead = nobody.getsockname()
nobody.close()                                  # now no socket holds that port

for recverr in (False, True):
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sk.settimeout(0.3)
    if recverr:
        sk.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    sk.sendto(b'hello', dead)
    try:
        sk.recvfrom(1024)
        result = 'a reply?'
    except socket.timeout:
        result = 'recvfrom hears nothing (timed out after 0.3 s)'
    except OSError as e:
        result = 'recvfrom raises %s' % e
    print('unconnected, %-18s %s' % ('with IP_RECVERR:' if recverr else 'by default:', result))
