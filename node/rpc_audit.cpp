// audit_list (docs/rpc.md §8.22): the audit trail of administrative,
// compliance and governance transactions (chain/audit.h), newest first,
// filtered by block time, category or operation, and author. Public unless
// [rpc] private_history is on; then for compliance accounts (signed request)
// and admins only, as the history it reveals is.
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

// The names `type` accepts: each audit category (standing for its
// operations) and each audited operation's own name.
const TypeNames& AuditTypeNames() {
  static const TypeNames names = [] {
    TypeNames out;
    for (uint8_t c = 1; c <= kMaxAuditCategory; ++c) {
      out.push_back({std::string(AuditCategoryName(static_cast<AuditCategory>(c))), {}});
    }
    for (const auto& [name, types] : OperationTypeNames()) {
      const auto category = AuditCategoryOf(static_cast<OpType>(types.front()));
      if (category == AuditCategory::kNone) continue;
      out[static_cast<size_t>(category) - 1].second.push_back(types.front());
      out.push_back({name, types});
    }
    return out;
  }();
  return names;
}

Json AuditEntryJson(const AuditRecord& rec, AssetBook& assets) {
  const TxBody& body = rec.tx->body();
  Json j = Json::Object();
  j.Set("txId", rec.tx->id().ToHex());
  j.Set("height", rec.location.height);
  j.Set("position", rec.location.position);
  j.Set("timestamp", rec.timestamp_ms);
  j.Set("category", AuditCategoryName(rec.category()));
  j.Set("type", NameOf(body.op));
  j.Set("status", StatusOf(rec.receipt.code));
  j.Set("code", rec.receipt.code);
  j.Set("codeName", CodeName(rec.receipt.code));
  j.Set("author", body.sender.ToString());
  // Who signed for the author (several keys for a multi-signature account).
  Json signers = Json::Array();
  for (const TxSignature& s : rec.tx->signatures()) {
    Json e = Json::Object();
    e.Set("publicKey", s.key.ToHex());
    e.Set("address", Address::FromPublicKey(s.key).ToString());
    signers.Push(e);
  }
  j.Set("signers", signers);
  j.Set("operation", OperationJson(body.op, assets));
  j.Set("memo", body.memo);
  j.Set("events", EventsJson(rec.receipt.events, assets));
  return j;
}

}  // namespace

MethodResult AuditList(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown(
          {"fromTime", "toTime", "type", "author", "status", "cursor", "limit", "auth"})) {
    return std::move(*e);
  }
  auto types = GetTypeFilter(p, AuditTypeNames());
  if (!types) return std::move(types).error();
  auto author = p.GetOptionalAddress("author");
  if (!author) return std::move(author).error();
  auto status = p.GetOptionalString("status");
  if (!status) return std::move(status).error();
  auto range = GetPagedRange(p, c.node.chain().blocks());
  if (!range) return std::move(range).error();
  auto limit = GetLimit(p, c.options.default_history_limit, c.options.max_history_limit);
  if (!limit) return std::move(limit).error();
  if (status->has_value() && **status != "committed" && **status != "failed") {
    return BadParam("status", "bad_status", "param 'status' must be \"committed\" or \"failed\"");
  }
  if (c.options.private_history) {
    if (auto e = CheckReadAccess(c, p, "audit_list", nullptr)) return std::move(*e);
  }

  const ChainStore& chain = c.node.chain();
  const BlockStore& blocks = chain.blocks();
  AuditScan scan;
  scan.limit = *limit;
  scan.max_scan = c.options.max_history_scan;
  scan.lowest = range->lowest;
  scan.highest = range->highest;
  scan.filter = [&](const AuditRecord& rec) {
    const TxBody& body = rec.tx->body();
    if (!types->empty() && !types->count(static_cast<uint16_t>(TypeOf(body.op)))) return false;
    if (author->has_value() && body.sender != **author) return false;
    if (status->has_value() && StatusOf(rec.receipt.code) != **status) return false;
    return true;
  };

  Json r = Json::Object();
  r.Set("height", blocks.LastHeight().value_or(0));
  r.Set("auditFrom", blocks.AuditFrom());
  AssetBook assets(chain.state());
  Json entries = Json::Array();
  AuditPage page;
  if (!range->empty) {
    auto scanned = blocks.ScanAudit(scan);
    if (!scanned) return RpcError::Internal(scanned.error().ToString());
    page = std::move(*scanned);
    for (const auto& rec : page.records) entries.Push(AuditEntryJson(rec, assets));
  }
  SetPage(r, std::move(entries), page.resume, page.scanned);
  return r;
}

}  // namespace corridor::node::rpc_methods
