#!/bin/sh
# SIGPIPE from Python: ignored as Python starts; put back to its default, a send to a
# closed peer kills the interpreter (status 128 + 13); MSG_NOSIGNAL turns it back into
# an exception.
. "$(dirname "$0")/common.sh"
echo '$ python3 -c "import signal; print(signal.getsignal(signal.SIGPIPE) is signal.SIG_IGN)"'
python3 -c "import signal; print(signal.getsignal(signal.SIGPIPE) is signal.SIG_IGN)"
echo '$ python3 -c "import signal, socket
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
a, b = socket.socketpair(); b.close()
a.send(b'"'"'x'"'"')"; echo "exit status $?"'
python3 -c "import signal, socket
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
a, b = socket.socketpair(); b.close()
a.send(b'x')" && status=0 || status=$?
echo "exit status $status"
echo '$ python3 -c "import signal, socket
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
a, b = socket.socketpair(); b.close()
a.send(b'"'"'x'"'"', socket.MSG_NOSIGNAL)" 2>&1 | tail -n 1'
python3 -c "import signal, socket
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
a, b = socket.socketpair(); b.close()
a.send(b'x', socket.MSG_NOSIGNAL)" 2>&1 | tail -n 1
