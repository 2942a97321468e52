# The load table of "Serving many clients": each server in a process of its own, and
# `concurrent-server load --addr` in another, holding the clients' ends. For 1,000
# and then 10,000 clients, every server gets the same 100,000 round trips. Takes a
# few minutes; its figures differ every run (the chapter shows one run, by hand).
# Usage: sh book/runs/load-table.sh [CLIENTS...]
. "$(dirname "$0")/common.sh"
cargo build --quiet --release --package concurrent-server
bin=target/release/concurrent-server
echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "| server | clients | held | round trips/s | p50 ms | p99 ms | server MiB | KiB per client | server CPU µs per round trip |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
sizes=${*:-"1000 10000"}
for clients in $sizes; do
    rounds=$((100000 / clients))
    for server in threads poll tokio selectors asyncio; do
        case $server in
            selectors | asyncio) start_program python3 "python/${server}_server.py" 0 ;;
            *) start_program "$bin" 127.0.0.1:0 --mode "$server" --quiet --idle-timeout 600000 ;;
        esac
        if row=$("$bin" load --addr "$SERVER_ADDR" --server-pid "$SERVER_PID" --name "$server" \
            --clients "$clients" --rounds "$rounds" --wait 60 2>&1); then
            echo "$row" | sed -n 's/^row: //p'
        else
            echo "| $server | $clients | failed: $(echo "$row" | tail -n 1) |"
        fi
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    done
done
echo "(--mode one is left out: it serves one client at a time, so it cannot hold even two)"
