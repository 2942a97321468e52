#!/bin/sh
# How many bytes each character takes in UTF-8.
. "$(dirname "$0")/common.sh"
python3 -c "
for ch in 'R', 'é', '你', '，', '😀':
    print(ch, len(ch.encode('utf-8')), ch.encode('utf-8').hex(' '))"
