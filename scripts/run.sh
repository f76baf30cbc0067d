#!/usr/bin/env bash
# `make run`: a local network of 4 validators on 127.0.0.1.
#
#   P2P       127.0.0.1:30300-30303
#   JSON-RPC  http://127.0.0.1:8545-8548
#   data      .localnet/validator-N/data, logs .localnet/validator-N/node.log
#   wallet    .localnet/wallet (dev accounts; passphrase "corridor-dev")
#
# The network is created on first use and kept between runs (blocks and
# state persist). CORRIDOR_NET_DIR chooses another directory; `make
# run-clean` starts from a fresh genesis. Ctrl-C stops all four.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./build/dev/node/corridord
DIR=${CORRIDOR_NET_DIR:-.localnet}
N=4

if [[ ! -f "$DIR/genesis.json" ]]; then
  "$BIN" testnet --validators "$N" --dir "$DIR"
fi

pids=()
tail_pid=
stop() {
  echo
  echo "stopping validators..."
  [[ -n "$tail_pid" ]] && kill "$tail_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped. Data kept in $DIR; 'make run' resumes, 'make run-clean' starts afresh."
}
trap 'stop; exit 0' INT TERM

for i in $(seq 1 "$N"); do
  home="$DIR/validator-$i"
  "$BIN" start --home "$home" >>"$home/node.log" 2>&1 &
  pids+=($!)
done

echo
echo "Corridor local network: $N validators (chain corridor-local)"
for i in $(seq 1 "$N"); do
  home="$DIR/validator-$i"
  printf '  validator-%d  pid %-7s p2p 127.0.0.1:%d  rpc http://127.0.0.1:%d\n' \
    "$i" "${pids[$((i - 1))]}" $((30300 + i - 1)) $((8545 + i - 1))
  printf '               data %s/data  log %s/node.log\n' "$home" "$home"
done
echo "  wallet keystore $DIR/wallet (passphrase: corridor-dev)"
echo
echo "Following validator-1's log (Ctrl-C stops the network):"
tail -n 0 -F "$DIR/validator-1/node.log" &
tail_pid=$!
# Wait until any validator exits (or Ctrl-C).
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "a validator exited (status $status); see its node.log"
stop
exit 1
