#!/usr/bin/env python3
"""Send SYNS SYNs to a listener with listen(BACKLOG) and count its half-open requests.

Used by syn-queue.sh (root, in a network namespace): python3 syn-queue.py BACKLOG SYNS
"""


import socket, struct, subprocess, sys, time
backlog, clients = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(); s.bind(('0.0.0.0', 0)); s.listen(backlog)
port = s.getsockname()[1]
def csum(b):
    if len(b) % 2: b += b'\0'
    t = sum(struct.unpack('!%dH' % (len(b)//2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
src, dst = socket.inet_aton('10.9.9.9'), socket.inet_aton('127.0.0.1')
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
for i in range(clients):
    sport = 20000 + i
    tcp = struct.pack('!HHIIBBHHH', sport, port, 1000 + i, 0, 5 << 4, 0x02, 65535, 0, 0)
    c = csum(src + dst + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, src, dst)
    raw.sendto(ip + tcp, ('127.0.0.1', 0))
time.sleep(0.3)
out = subprocess.run(['ss', '-Htn', 'state', 'syn-recv', '( sport = :%d )' % port], capture_output=True, text=True).stdout
print('listen(%d), %d SYNs: %d in SYN_RECV' % (backlog, clients, len(out.splitlines())))
