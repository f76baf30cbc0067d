// chain_getInfo, chain_getBlock, chain_getTransaction, tx_submit.
#include "chain/limits.h"
#include "contracts/escrow_state.h"
#include "node/rpc_methods.h"
#include "node/version.h"

namespace corridor::node::rpc_methods {

MethodResult ChainGetInfo(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({})) return std::move(*e);
  const BlockStore& blocks = c.node.chain().blocks();
  auto height = blocks.LastHeight();
  if (!height) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto header = blocks.HeaderAt(*height);
  if (!header) return RpcError::Internal("block " + std::to_string(*height) + " is unreadable");
  ConsensusInfo consensus = c.node.consensus_info();

  Json r = Json::Object();
  r.Set("chainId", c.node.chain_id());
  r.Set("height", *height);
  r.Set("latestHash", header->ComputeHash().ToHex());
  r.Set("latestTimestamp", header->timestamp_ms);
  Json validators = Json::Array();
  for (const PublicKey& k : c.node.validators(*height)) {
    Json v = Json::Object();
    v.Set("publicKey", k.ToHex());
    v.Set("address", Address::FromPublicKey(k).ToString());
    validators.Push(v);
  }
  r.Set("validators", validators);
  r.Set("view", consensus.view);
  r.Set("syncing", consensus.syncing);
  r.Set("highestKnownHeight", std::max(consensus.highest_known_height, *height));
  if (consensus.syncing) {
    const SyncProgress& sp = consensus.sync;
    Json progress = Json::Object();
    progress.Set("startingHeight", sp.started_height);
    progress.Set("currentHeight", *height);
    progress.Set("targetHeight", std::max(sp.target_height, *height));
    progress.Set("blocksBehind", sp.blocks_behind);
    // Whole blocks and transactions per second: display figures.
    progress.Set("blocksPerSecond", static_cast<uint64_t>(sp.blocks_per_second + 0.5));
    progress.Set("transactionsPerSecond", static_cast<uint64_t>(sp.txs_per_second + 0.5));
    progress.Set("etaSeconds", sp.eta_seconds);
    r.Set("syncProgress", progress);
  } else {
    r.Set("syncProgress", Json());
  }
  r.Set("version", kNodeVersion);
  r.Set("protocolVersion", kProtocolVersion);
  return r;
}

namespace {

// The receipt part of chain_getTransaction and of full blocks.
Json ReceiptJson(const Receipt& receipt, TxLocation loc, const BlockHeader& header,
                 const Hash& block_hash, AssetBook& assets) {
  Json r = Json::Object();
  r.Set("height", loc.height);
  r.Set("position", loc.position);
  r.Set("blockHash", block_hash.ToHex());
  r.Set("timestamp", header.timestamp_ms);
  r.Set("code", receipt.code);
  r.Set("codeName", CodeName(receipt.code));
  r.Set("events", EventsJson(receipt.events, assets));
  return r;
}

}  // namespace

namespace {

RpcError PrunedError(const BlockStore& blocks, uint64_t height) {
  Json data = Json::Object();
  data.Set("height", height);
  data.Set("bodiesFrom", blocks.BodiesFrom());
  return RpcError{kPrunedError,
                  "the body of block " + std::to_string(height) +
                      " was pruned on this node (it keeps bodies from height " +
                      std::to_string(blocks.BodiesFrom()) +
                      "); its header and certificate are kept, ask an archive node for the body",
                  std::move(data)};
}

}  // namespace

MethodResult ChainGetBlock(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"height", "hash", "full", "txStart"})) return std::move(*e);
  auto height_param = p.GetOptionalUint64("height");
  if (!height_param) return std::move(height_param).error();
  auto hash_param = p.GetOptionalHash("hash");
  if (!hash_param) return std::move(hash_param).error();
  auto full = p.GetOptionalBool("full");
  if (!full) return std::move(full).error();
  auto tx_start = p.GetOptionalUint64("txStart");
  if (!tx_start) return std::move(tx_start).error();
  if (height_param->has_value() == hash_param->has_value()) {
    return BadParam(height_param->has_value() ? "hash" : "height",
                    height_param->has_value() ? "conflict" : "missing",
                    "give exactly one of 'height' or 'hash'");
  }

  const BlockStore& blocks = c.node.chain().blocks();
  uint64_t height = 0;
  if (height_param->has_value()) {
    height = **height_param;
  } else {
    auto h = blocks.HeightOf(**hash_param);
    if (!h) return RpcError::NotFound("no committed block has hash " + (*hash_param)->ToHex());
    height = *h;
  }
  auto block = blocks.BlockAt(height);
  if (!block && blocks.IsPruned(height)) return PrunedError(blocks, height);
  if (!block) return RpcError::NotFound("no committed block at height " + std::to_string(height));
  auto cert = blocks.CertificateAt(height);
  if (!cert)
    return RpcError::Internal("certificate of block " + std::to_string(height) + " is unreadable");

  const bool want_full = full->value_or(false);
  const auto& txs = (*block)->transactions();
  const size_t start = static_cast<size_t>(std::min<uint64_t>(tx_start->value_or(0), txs.size()));
  const size_t page = want_full ? c.options.max_block_full_txs : c.options.max_block_tx_ids;
  const size_t end = std::min(txs.size(), start + page);

  Json r = Json::Object();
  r.Set("height", height);
  r.Set("hash", (*block)->hash().ToHex());
  r.Set("header", HeaderJson((*block)->header(), (*block)->hash()));
  r.Set("transactionCount", txs.size());
  Json list = Json::Array();
  if (want_full) {
    auto receipts = blocks.ReceiptsAt(height);
    if (!receipts || receipts->size() != txs.size()) {
      return RpcError::Internal("receipts of block " + std::to_string(height) + " are unreadable");
    }
    AssetBook assets(c.node.chain().state());
    for (size_t i = start; i < end; ++i) {
      Json t = TransactionJson(*txs[i], assets);
      const Receipt& rc = (*receipts)[i];
      t.Set("status", StatusOf(rc.code));
      t.Set("receipt", ReceiptJson(rc, {height, static_cast<uint32_t>(i)}, (*block)->header(),
                                   (*block)->hash(), assets));
      list.Push(t);
    }
  } else {
    for (size_t i = start; i < end; ++i) list.Push(txs[i]->id().ToHex());
  }
  r.Set("transactions", list);
  if (end < txs.size()) {
    r.Set("nextTxStart", end);
  } else {
    r.SetNull("nextTxStart");
  }
  // Events of the block's begin-block step (escrow refunds at the deadline,
  // docs/state.md §3.10), from the state after the block.
  {
    auto state = c.node.chain().StateAt(height);
    AssetBook assets(state);
    r.Set("systemEvents", EventsJson(contracts::ReadSystemEvents(state, height), assets));
  }
  r.Set("certificate", CertificateJson(*cert));
  return r;
}

MethodResult ChainGetTransaction(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"id"})) return std::move(*e);
  auto id = p.GetHash("id");
  if (!id) return std::move(id).error();

  // Pending first: the node removes a transaction from the mempool only after
  // its block is in storage, so a miss here followed by a miss in storage
  // means the node has never seen it (not that it committed in between).
  TransactionPtr pending = c.node.PendingTransaction(*id);
  const ChainStore& chain = c.node.chain();
  auto committed = chain.blocks().GetTransaction(*id);
  AssetBook assets(chain.state());
  if (!committed) {
    // A committed transaction whose block body was pruned: its receipt and
    // location are still indexed.
    if (auto loc = chain.blocks().FindTransaction(*id);
        loc && chain.blocks().IsPruned(loc->height)) {
      auto receipts = chain.blocks().ReceiptsAt(loc->height);
      auto header = chain.blocks().HeaderAt(loc->height);
      if (!receipts || !header || loc->position >= receipts->size()) {
        return RpcError::Internal("receipt of transaction " + id->ToHex() + " is unreadable");
      }
      const Receipt& receipt = (*receipts)[loc->position];
      Json r = Json::Object();
      r.Set("id", id->ToHex());
      r.Set("status", StatusOf(receipt.code));
      r.Set("transaction", Json());
      r.Set("raw", Json());
      r.Set("pruned", true);
      r.Set("receipt", ReceiptJson(receipt, *loc, *header, header->ComputeHash(), assets));
      return r;
    }
  }

  Json r = Json::Object();
  r.Set("id", id->ToHex());
  if (committed) {
    auto header = chain.blocks().HeaderAt(committed->location.height);
    if (!header)
      return RpcError::Internal("block of transaction " + id->ToHex() + " is unreadable");
    r.Set("status", StatusOf(committed->receipt.code));
    r.Set("transaction", TransactionJson(*committed->tx, assets));
    r.Set("raw", ToHex(committed->tx->encoded()));
    r.Set("receipt", ReceiptJson(committed->receipt, committed->location, *header,
                                 header->ComputeHash(), assets));
    // A held payment: where its hold stands now (open, approved, rejected,
    // expired; docs/state.md §3.14).
    if (committed->receipt.code == static_cast<uint16_t>(contracts::ResultCode::kHeld)) {
      auto hold_id = contracts::ReadHoldIdOfTx(chain.state(), *id);
      auto hold = hold_id ? contracts::ReadHold(chain.state(), *hold_id) : std::nullopt;
      if (!hold) return RpcError::Internal("hold of transaction " + id->ToHex() + " is missing");
      r.Set("hold", HoldJson(*hold, assets));
    }
  } else if (pending) {
    r.Set("status", "pending");
    r.Set("transaction", TransactionJson(*pending, assets));
    r.Set("raw", ToHex(pending->encoded()));
  } else {
    r.Set("status", "unknown");
  }
  return r;
}

namespace {

RpcError Rejected(std::optional<contracts::ResultCode> code, std::string_view name,
                  std::string message) {
  Json d = Json::Object();
  if (code) {
    d.Set("code", static_cast<uint16_t>(*code));
  } else {
    d.SetNull("code");
  }
  d.Set("name", name);
  return RpcError{rpc::kTransactionRejected, std::move(message), std::move(d)};
}

}  // namespace

MethodResult TxSubmit(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"raw"})) return std::move(*e);
  auto raw = p.GetHex("raw", kMaxTransactionBytes);
  if (!raw) return std::move(raw).error();
  auto tx = Transaction::Decode(*raw);
  if (!tx) {
    // The decoder's stable code (docs/protocol.md §2), as the name.
    return Rejected(std::nullopt, tx.error().code,
                    "transaction does not decode: " + tx.error().message);
  }
  Json r = Json::Object();
  r.Set("id", (*tx)->id().ToHex());
  const BlockStore& blocks = c.node.chain().blocks();
  // Idempotent resubmission of a committed transaction: same id, not applied
  // again (the nonce check would refuse it anyway, with a misleading reason).
  // The sender's history record has the result code: no block to decode.
  auto committed_status = [&]() -> std::optional<rpc::Outcome<std::string_view>> {
    auto loc = blocks.FindTransaction((*tx)->id());
    if (!loc) return std::nullopt;
    HistoryScan at;
    at.lowest = at.highest = *loc;
    at.limit = 1;
    auto page = blocks.ScanAccountHistory((*tx)->body().sender, at);
    if (!page || page->records.empty()) {
      return RpcError::Internal("history record of transaction " + (*tx)->id().ToHex() +
                                " is unreadable");
    }
    return StatusOf(page->records[0].code);
  };
  if (auto status = committed_status()) {
    if (!*status) return std::move(*status).error();
    r.Set("status", **status);
    return r;
  }
  SubmitResult result = c.node.SubmitTransaction(*tx);
  if (!result.ok()) {
    // It may have committed between the lookup above and admission (its
    // nonce is then used): answer as for a committed transaction.
    if (result.code == contracts::ResultCode::kNonceTooLow) {
      if (auto status = committed_status()) {
        if (!*status) return std::move(*status).error();
        r.Set("status", **status);
        return r;
      }
    }
    return Rejected(result.code, result.name, result.message);
  }
  r.Set("status", "pending");
  return r;
}

}  // namespace corridor::node::rpc_methods
