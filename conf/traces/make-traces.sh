#!/usr/bin/env bash
# Makes the small traces shipped with ballast (conf/traces/), so that anyone can check where they
# come from or make them again:
#
#   walk.lackey.gz  valgrind --tool=lackey --trace-mem=yes of walk.c, built static with gcc -O1
#                   (no dynamic loader in the trace): about 52,000 records over about 570 pages.
#   phases.csv      a hand-made csv trace (vpn,r|w): 256 pages written in order, then 32 of them
#                   read and written in a loop: 2,304 records.
#
# Needs gcc with a static libc (Debian: libc6-dev), valgrind and gzip. The lackey trace depends on
# the compiler and libc: making it again gives a trace of the same shape, not the same bytes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

gcc -O1 -static -o "$WORK/walk" "$HERE/walk.c"
valgrind --tool=lackey --trace-mem=yes --log-file="$WORK/walk.lackey" "$WORK/walk"
gzip -9 -n -c "$WORK/walk.lackey" > "$HERE/walk.lackey.gz"

awk 'BEGIN {
  print "# vpn,r|w: 256 pages written in order, then a hot loop over 32 of them (made by make-traces.sh)"
  print "vpn,access"
  base = 4096                      # VPN of the first page (address 0x1000000)
  for (p = 0; p < 256; p++) printf "%d,w\n", base + p
  for (r = 0; r < 64; r++)
    for (p = 0; p < 32; p++) printf "%d,%s\n", base + (p * 7) % 256, ((r + p) % 4 == 0) ? "w" : "r"
}' > "$HERE/phases.csv"

echo "made $HERE/walk.lackey.gz ($(gzip -dc "$HERE/walk.lackey.gz" | grep -c '^ \?[ILSM] ') records) and $HERE/phases.csv"
