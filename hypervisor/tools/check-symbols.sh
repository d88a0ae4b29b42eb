#!/bin/sh
# Checks that the final link placed every text symbol where pass 1 did,
# so the embedded symbol table is right.
set -eu
a=$(nm -n --defined-only "$1" | awk '$2 ~ /^[tT]$/' | md5sum)
b=$(nm -n --defined-only "$2" | awk '$2 ~ /^[tT]$/' | md5sum)
if [ "$a" != "$b" ]; then
	echo "check-symbols: text moved between link passes ($1 vs $2)" >&2
	exit 1
fi
