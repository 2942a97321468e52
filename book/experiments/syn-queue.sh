#!/bin/sh
# What bounds a listener's SYN queue on Linux. Needs root (or `unshare -rn`): each case
# runs in a private network namespace of its own, so the machine's settings stay as
# they are. syn-queue.py sends SYNs from 10.9.9.9, an address routed back into lo where
# nobody owns it: the SYN/ACKs go nowhere and every request stays half-open (SYN_RECV).
#   sh book/experiments/syn-queue.sh
set -eu
cd "$(dirname "$0")"
case_() {  # tcp_syncookies tcp_max_syn_backlog somaxconn backlog syns
    unshare -n sh -c "
        ip link set lo up
        ip route add 10.9.9.9/32 dev lo
        sysctl -q net.ipv4.tcp_syncookies=$1 net.ipv4.tcp_max_syn_backlog=$2 net.core.somaxconn=$3
        printf 'tcp_syncookies=%s tcp_max_syn_backlog=%-4s somaxconn=%-4s ' $1 $2 $3
        python3 syn-queue.py $4 $5
        nstat -az TcpExtTCPReqQFullDoCookies TcpExtTCPReqQFullDrop TcpExtListenDrops |
            awk '/^TcpExt/ { printf \"    %s %s\", \$1, \$2 } END { print \"\" }'"
}
case_ 1 2048 4096 8 30
case_ 0 2048 4096 8 30
case_ 1 2048 4 8 30
case_ 0 16 4096 100 30
case_ 1 16 4096 100 30
