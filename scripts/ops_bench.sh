#!/usr/bin/env bash
# Capacity figures for operators (docs/operations.md "Capacity figures"):
#   1. catch-up rate (blocks/s, tx/s) of a validator 10,000 blocks behind a
#      running 4-validator network;
#   2. backup, verify and restore time and file size for a chain of
#      1,000,000 committed payments;
#   3. disk used per 1,000,000 payments, archive and with retention.
# Not part of `make test` or CI: it measures, it does not pass or fail. Long
# chains are written by corridor-chaingen (certified blocks of payments signed
# with the development keys, straight into a node's store); everything else
# is the real corridord: `start`, block sync, `backup`, `restore`, `compact`.
#
# Usage: scripts/ops_bench.sh [--payments N] [--catchup-blocks N] [--txs-per-block K] [--retain R]
#   defaults: 1,000,000 payments in blocks of 1,000, retention 100 blocks; 10,000
#   catch-up blocks of 10 payments.
# Needs the release build (cmake --preset release && cmake --build --preset release).
# Work directory: $CORRIDOR_OPS_BENCH_DIR or /tmp/corridor-ops-bench (removed first).
set -euo pipefail

PAYMENTS=1000000
CATCHUP_BLOCKS=10000
CATCHUP_TXS=10
PER_BLOCK=1000
RETAIN=100
while [[ $# -gt 0 ]]; do
  case "$1" in
    --payments) PAYMENTS=$2; shift 2 ;;
    --catchup-blocks) CATCHUP_BLOCKS=$2; shift 2 ;;
    --txs-per-block) PER_BLOCK=$2; shift 2 ;;
    --retain) RETAIN=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CORRIDOR_BIN_DIR:-$ROOT/build/release}
CORRIDORD=$BIN/node/corridord
CHAINGEN=$BIN/tools/corridor-chaingen
for b in "$CORRIDORD" "$CHAINGEN"; do
  [[ -x $b ]] || { echo "missing $b: build the release preset first" >&2; exit 1; }
done
W=${CORRIDOR_OPS_BENCH_DIR:-/tmp/corridor-ops-bench}
rm -rf "$W"
mkdir -p "$W"
P2P=$((24000 + RANDOM % 2000))
RPC=$((P2P + 10))

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }
bytes() { du -sb "$1" | cut -f1; }
mib() { echo "$1 / 1048576" | bc -l | xargs printf '%.1f'; }
height() {
  curl -s --max-time 2 "http://127.0.0.1:$1" \
    -d '{"jsonrpc":"2.0","id":1,"method":"chain_getInfo"}' |
    sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== 1. catch-up: a validator $CATCHUP_BLOCKS blocks ($((CATCHUP_BLOCKS * CATCHUP_TXS)) payments) behind"
"$CORRIDORD" testnet --validators 4 --dir "$W/net" --p2p-port $P2P --rpc-port $RPC \
  --empty-block-ms 1000 --timeout-ms 1000 >/dev/null
"$CHAINGEN" --home "$W/net/validator-1" --blocks "$CATCHUP_BLOCKS" --txs-per-block "$CATCHUP_TXS" 2>/dev/null
for n in 2 3; do mkdir -p "$W/net/validator-$n/data"; cp -r "$W/net/validator-1/data/chain" "$W/net/validator-$n/data/chain"; done
for n in 1 2 3; do
  "$CORRIDORD" start --home "$W/net/validator-$n" 2>"$W/net/validator-$n/node.log" &
  PIDS+=($!)
done
until [[ $(height $RPC) -ge $CATCHUP_BLOCKS ]] 2>/dev/null; do sleep 0.2; done
TARGET=$(height $RPC)
T0=$(now)
"$CORRIDORD" start --home "$W/net/validator-4" 2>"$W/net/validator-4/node.log" &
PIDS+=($!)
until [[ $(height $((RPC + 3))) -ge $TARGET ]] 2>/dev/null; do sleep 0.1; done
CATCHUP_S=$(elapsed "$T0")
echo "  caught up $TARGET blocks in $CATCHUP_S s (process start included):" \
  "$(echo "$TARGET / $CATCHUP_S" | bc -l | xargs printf '%.0f') blocks/s," \
  "$(echo "$CATCHUP_BLOCKS * $CATCHUP_TXS / $CATCHUP_S" | bc -l | xargs printf '%.0f') tx/s"
grep -h "caught up at height" "$W/net/validator-4/node.log" | head -1 | sed 's/^.*\] /  node log: /'
cleanup
PIDS=()

BLOCKS=$((PAYMENTS / PER_BLOCK))
echo "== 2. backup and restore of a chain of $PAYMENTS payments ($BLOCKS blocks of $PER_BLOCK)"
"$CORRIDORD" testnet --validators 4 --dir "$W/big" --p2p-port $((P2P + 100)) --rpc-port $((RPC + 100)) >/dev/null
T0=$(now)
"$CHAINGEN" --home "$W/big/validator-1" --blocks "$BLOCKS" --txs-per-block "$PER_BLOCK" 2>/dev/null
echo "  chain written in $(elapsed "$T0") s"
T0=$(now)
"$CORRIDORD" backup --home "$W/big/validator-1" --out "$W/big.cbk" >/dev/null
BACKUP_S=$(elapsed "$T0")
T0=$(now)
"$CORRIDORD" verify-backup --in "$W/big.cbk" >/dev/null
VERIFY_S=$(elapsed "$T0")
T0=$(now)
"$CORRIDORD" restore --in "$W/big.cbk" --home "$W/big/validator-2" >/dev/null
RESTORE_S=$(elapsed "$T0")
SIZE=$(stat -c %s "$W/big.cbk")
echo "  backup $BACKUP_S s, file $(mib "$SIZE") MiB ($SIZE bytes); verify-backup $VERIFY_S s; restore $RESTORE_S s"

echo "== 3. disk per $PAYMENTS payments"
ARCHIVE=$(bytes "$W/big/validator-1/data/chain")
"$CORRIDORD" compact --home "$W/big/validator-1" >/dev/null
ARCHIVE_C=$(bytes "$W/big/validator-1/data/chain")
sed -i "s/^retain_blocks = .*/retain_blocks = $RETAIN/" "$W/big/validator-1/config.toml"
T0=$(now)
"$CORRIDORD" compact --home "$W/big/validator-1" >/dev/null
PRUNE_S=$(elapsed "$T0")
PRUNED=$(bytes "$W/big/validator-1/data/chain")
RESTORED=$(bytes "$W/big/validator-2/data/chain")
echo "  archive: $(mib "$ARCHIVE") MiB as written, $(mib "$ARCHIVE_C") MiB compacted;" \
  "restored copy $(mib "$RESTORED") MiB"
echo "  retain_blocks = $RETAIN (bodies of the last $RETAIN blocks): $(mib "$PRUNED") MiB after" \
  "corridord compact ($PRUNE_S s)"
