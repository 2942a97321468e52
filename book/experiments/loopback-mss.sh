#!/bin/sh
# The largest TCP segment on IPv4 loopback (Linux): lo's MTU, the path MTU IPv4 allows,
# and the MSS a loopback connection advertises. Run: sh book/experiments/loopback-mss.sh
set -eu
echo "lo mtu: $(cat /sys/class/net/lo/mtu)"
python3 - <<'PY'
import socket, subprocess
listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(1)
client = socket.create_connection(listener.getsockname()); conn, _ = listener.accept()
info = subprocess.run(['ss', '-Hti', '( sport = :%d )' % client.getsockname()[1]],
                      capture_output=True, text=True).stdout.split()
print(' '.join(w for w in info if w.startswith(('pmtu:', 'advmss:'))))
PY
