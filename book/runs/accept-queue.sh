#!/bin/sh
# A listening socket whose program never calls accept(): three clients connect and
# send a line each, and ss shows them waiting in the accept queue. The listener and
# the clients are one small Python program, which runs ss while they are connected.
. "$(dirname "$0")/common.sh"
python3 - <<'PY'
import shlex, socket, subprocess

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(5)                      # and never accept()
port = listener.getsockname()[1]
clients = [socket.create_connection(('127.0.0.1', port)) for _ in range(3)]
for client in clients:
    client.sendall(b'hello\n')

def show(*args):
    # The command as a reader would type it, with the port as a variable; then its
    # output, without the blanks ss leaves at the ends of lines.
    print('$ ' + shlex.join(args).replace(str(port), '$PORT').replace("'", '"'))
    output = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        print(line.rstrip())

show('ss', '-ltn', f'sport = :{port}')
show('ss', '-tn', 'state', 'established', f'( sport = :{port} )')
PY
