// Internal to the RPC method set (node/rpc_*.cpp): one function per method
// and the helpers they share — JSON for chain objects, amounts, cursors.
// Not part of the node's interface; node/rpc_api.h is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chain/block.h"
#include "chain/block_store.h"
#include "chain/history.h"
#include "chain/receipt.h"
#include "chain/transaction.h"
#include "contracts/aml_state.h"
#include "contracts/ledger.h"
#include "node/rpc_api.h"
#include "rpc/json.h"
#include "rpc/params.h"

namespace corridor::node::rpc_methods {

using rpc::Json;
using rpc::MethodResult;
using rpc::Params;
using rpc::RpcError;

// The node's own JSON-RPC error codes (docs/rpc.md §3), next to the server's.
inline constexpr int kPrunedError = -32008;  // data: {height, bodiesFrom}

__extension__ typedef __int128 Int128;

struct Context {
  NodeApi& node;
  const RpcApiOptions& options;
  const rpc::CallContext& call;
};

MethodResult ChainGetInfo(const Context& c, const Params& p);
MethodResult ChainGetBlock(const Context& c, const Params& p);
MethodResult ChainGetTransaction(const Context& c, const Params& p);
MethodResult TxSubmit(const Context& c, const Params& p);
MethodResult AccountGet(const Context& c, const Params& p);
MethodResult AccountGetHistory(const Context& c, const Params& p);
MethodResult AccountGetStatement(const Context& c, const Params& p);
MethodResult AssetList(const Context& c, const Params& p);
MethodResult StatsGet(const Context& c, const Params& p);
MethodResult FxGetRate(const Context& c, const Params& p);
MethodResult FxGetRateHistory(const Context& c, const Params& p);
MethodResult SettlementGetBatch(const Context& c, const Params& p);
MethodResult ExchangeGetReference(const Context& c, const Params& p);
MethodResult EscrowGet(const Context& c, const Params& p);
MethodResult DisputeGet(const Context& c, const Params& p);
MethodResult DisputeList(const Context& c, const Params& p);
MethodResult GovernanceGetProposals(const Context& c, const Params& p);
MethodResult GovernanceGetStatus(const Context& c, const Params& p);
MethodResult ComplianceListHeld(const Context& c, const Params& p);
MethodResult ComplianceGetRules(const Context& c, const Params& p);
MethodResult ComplianceGetActivityRecords(const Context& c, const Params& p);
MethodResult AuditList(const Context& c, const Params& p);

// Signed read requests (docs/rpc.md §8.21; the digest: chain/read_request.h).
// Allows the call when it is admin (loopback or bearer token), or when params
// carry `auth` signed by a key of `*holder` (when given), or by a key of an
// account with the compliance role. Otherwise -32003 with data.reason.
std::optional<RpcError> CheckReadAccess(const Context& c, const Params& p, std::string_view method,
                                        const Address* holder);

// Asset records read once per call, for formatting amounts. An asset that
// does not exist (a failed payment may name one) formats in minor units.
class AssetBook {
 public:
  explicit AssetBook(const StateView& state) : state_(state) {}
  const std::optional<contracts::AssetInfo>& Find(const std::string& code);
  uint8_t Decimals(const std::string& code);
  std::string Format(const std::string& code, uint64_t amount);
  std::string FormatSigned(const std::string& code, Int128 amount);

 private:
  const StateView& state_;
  std::map<std::string, std::optional<contracts::AssetInfo>> cache_;
};

std::string FormatInt128(Int128 v, uint8_t decimals);  // "-12.50"
std::string FormatUint128(Uint128 v, uint8_t decimals);

// JSON for chain objects (shapes in docs/rpc.md §8).
Json HeaderJson(const BlockHeader& h, const Hash& hash);
Json CertificateJson(const CommitCertificate& c);
Json OperationJson(const Operation& op, AssetBook& assets);
Json TransactionJson(const Transaction& tx, AssetBook& assets);
Json EventJson(const Event& e, AssetBook& assets);
Json EventsJson(const std::vector<Event>& events, AssetBook& assets);
// An AML hold (docs/rpc.md §8.20).
Json HoldJson(const contracts::Hold& h, AssetBook& assets);
// "committed" for code 0, "held" for 360 (an AML hold), "failed" otherwise
// (only includable codes are stored).
std::string_view StatusOf(uint16_t code);
std::string_view CodeName(uint16_t code);

// Cursors are opaque to clients; inside they are "height:position" or
// "height:position:balance" (statements carry their running balance).
std::string FormatCursor(TxLocation loc);
std::optional<TxLocation> ParseCursor(std::string_view text, std::optional<Int128>* balance);
// The positions just before / after `loc` in chain order; nullopt at the ends.
std::optional<TxLocation> Before(TxLocation loc);
std::optional<TxLocation> After(TxLocation loc);

// -32602 helpers with data {"param", "reason"}.
RpcError BadParam(std::string_view param, std::string_view reason, std::string message);

// The names a `type` param accepts, each with the operation types it
// stands for (an operation's own name, or a group such as an audit
// category).
using TypeNames = std::vector<std::pair<std::string, std::vector<uint16_t>>>;
// Every operation type of this build by its name.
TypeNames OperationTypeNames();
// Reads an optional `type`: one name of `names` or an array of 1-64 of them;
// the union of the types they stand for (empty when absent). Errors:
// wrong_type, unknown_type (the message lists the names).
rpc::Outcome<std::set<uint16_t>> GetTypeFilter(const Params& p, const TypeNames& names);

// The range of locations a newest-first paged query covers, from the
// optional params `fromTime`, `toTime` (block time, inclusive) and `cursor`
// (strictly before it). `empty` when no location can match. Errors:
// bad_time_range, bad_cursor.
struct PagedRange {
  TxLocation lowest = kFirstLocation;
  TxLocation highest = kLastLocation;
  bool empty = false;
};
rpc::Outcome<PagedRange> GetPagedRange(const Params& p, const BlockStore& blocks);
// Sets `entries`, `nextCursor` (from `resume`, or null) and `scanned` on a
// paged result.
void SetPage(Json& result, Json entries, const std::optional<TxLocation>& resume, size_t scanned);

// Reads an optional `limit` in [1, max] (default `dflt`).
rpc::Outcome<size_t> GetLimit(const Params& p, size_t dflt, size_t max);

// The heights whose timestamps lie in [from_ms, to_ms]: [first, last], or
// nullopt when no block does.
struct HeightRange {
  uint64_t first = 0;
  uint64_t last = 0;
};
std::optional<HeightRange> HeightsBetween(const BlockStore& blocks, uint64_t from_ms,
                                          uint64_t to_ms);

}  // namespace corridor::node::rpc_methods
