# socket-params as an ordinary user sees it. Raw sockets need the privilege
# CAP_NET_RAW, which root has; so that the book shows the same output whoever
# builds it, root (in a container, say) runs the program as the user nobody.
. "$(dirname "$0")/common.sh"

cargo build --quiet --package socket-params
if [ "$(id -u)" = 0 ]; then
    # A copy nobody can reach, whatever the permissions of the checkout.
    cp target/debug/socket-params "$RUNS_TMP/"
    chmod 755 "$RUNS_TMP" "$RUNS_TMP/socket-params"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$RUNS_TMP/socket-params"
else
    target/debug/socket-params
fi
