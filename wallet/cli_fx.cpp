// The FX commands: fx publish (publish_rate), fx pay (fx_payment), fx fee
// (set_liquidity_fee), fx rate and fx history (fx_getRate,
// fx_getRateHistory). docs/wallet.md "FX".
#include "wallet/cli_fx.h"

#include <algorithm>

#include "chain/amount.h"
#include "wallet/cli_commands.h"
#include "wallet/cli_signing.h"
#include "wallet/cli_table.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

constexpr uint64_t kDefaultValidFor = 1000;  // blocks
constexpr uint64_t kMaxHistoryLimit = 500;   // fx_getRateHistory's own bound (rpc.md §8.12)

struct Pair {
  std::string base;
  std::string quote;
  std::string Text() const { return base + "/" + quote; }
};

CliCheck DifferentAssets(std::string_view flag_a, const std::string& a, std::string_view flag_b,
                         const std::string& b) {
  if (a != b) return std::nullopt;
  return UsageError("--" + std::string(flag_a) + " and --" + std::string(flag_b) +
                    " must be different assets (both are " + a + ")");
}

// "USD/EUR" as the PAIR argument.
CliResult<Pair> PairArg(const std::string& text) {
  const size_t slash = text.find('/');
  Pair p;
  if (slash != std::string::npos) {
    p.base = text.substr(0, slash);
    p.quote = text.substr(slash + 1);
  }
  if (!IsValidAssetCode(p.base) || !IsValidAssetCode(p.quote) || p.base == p.quote) {
    return UsageError(
        "PAIR must be two different asset codes as BASE/QUOTE, such as USD/EUR, not '" + text +
        "'");
  }
  return p;
}

void Show(Cli& cli, std::string_view label, const std::string& value) {
  PrintField(cli.out(), label, value);
}

// A rate as read from fx_getRate / fx_getRateHistory.
struct RateInfo {
  RateFraction fraction;
  uint64_t valid_from = 0;
  uint64_t valid_until = 0;
  std::string oracle;
  uint64_t published_height = 0;
};

CliResult<RateInfo> ReadRate(std::string_view method, const rapidjson::Value& v) {
  RateInfo r;
  auto num = JsonString(v, "numerator");
  auto den = JsonString(v, "denominator");
  auto from = JsonUint(v, "validFrom");
  auto until = JsonUint(v, "validUntil");
  auto published = JsonUint(v, "publishedHeight");
  if (!num || !den || !from || !until || !published) {
    return UnexpectedAnswer(method, "a rate without numerator, denominator or window");
  }
  auto n = ParseUintFlag("numerator", *num);
  auto d = ParseUintFlag("denominator", *den);
  if (!n || !d || *d == 0) return UnexpectedAnswer(method, "a rate that is not a fraction");
  r.fraction = {*n, *d};
  r.valid_from = *from;
  r.valid_until = *until;
  r.oracle = JsonString(v, "oracle").value_or("?");
  r.published_height = *published;
  return r;
}

// "1 USD = 0.92 EUR", with the assets' decimals when the node knows them.
std::string Describe(Cli& cli, const Pair& pair, const RateFraction& f) {
  auto assets = cli.ListAssets();
  std::optional<uint8_t> bd, qd;
  if (assets) {
    for (const auto& a : *assets) {
      if (a.code == pair.base) bd = a.decimals;
      if (a.code == pair.quote) qd = a.decimals;
    }
  }
  if (!bd || !qd) return "?";
  return "1 " + pair.base + " = " + FormatRate(f, *bd, *qd) + " " + pair.quote;
}

std::string Fraction(const Pair& pair, const RateFraction& f) {
  return std::to_string(f.numerator) + "/" + std::to_string(f.denominator) + " " + pair.quote +
         " minor units per " + pair.base + " minor unit";
}

// fx_getRate for the next block; nullopt when none was published.
CliResult<std::optional<std::pair<RateInfo, bool>>> CurrentRate(Cli& cli, const Pair& pair) {
  rpc::Json p = rpc::Json::Object();
  p.Set("pair", pair.Text());
  auto r = cli.CallRaw("fx_getRate", p);
  if (!r) {
    if (r.error().code == rpc::kNotFound) return std::optional<std::pair<RateInfo, bool>>();
    return DescribeRpcError(r.error(), "fx_getRate", cli.rpc_url());
  }
  auto rate = ReadRate("fx_getRate", r->value());
  if (!rate) return std::move(rate).error();
  const bool usable_next = JsonBool(r->value(), "usableNext").value_or(false);
  return std::optional<std::pair<RateInfo, bool>>(std::pair{*rate, usable_next});
}

// The rate of `fx publish`: --rate, or --numerator and --denominator.
CliResult<RateFraction> RateFlags(const Cli& cli, uint8_t bd, uint8_t qd) {
  if (cli.Has("rate")) return ParseRateFlag("rate", cli.Flag("rate"), bd, qd);
  auto n = ParseUintFlag("numerator", cli.Flag("numerator"));
  if (!n) return std::move(n).error();
  auto d = ParseUintFlag("denominator", cli.Flag("denominator"));
  if (!d) return std::move(d).error();
  if (*n == 0 || *d == 0) return UsageError("--numerator and --denominator must be more than zero");
  return RateFraction{*n, *d};
}

}  // namespace

int FxPublish(Cli& cli) {
  // 1. The command line alone.
  const std::string base = cli.Flag("base"), quote = cli.Flag("quote");
  for (auto [flag, code] : {std::pair{"base", &base}, {"quote", &quote}}) {
    if (auto e = CheckAssetCode(flag, *code)) return cli.Fail(*e);
  }
  if (auto e = DifferentAssets("base", base, "quote", quote)) return cli.Fail(*e);
  const bool fraction = cli.Has("numerator") || cli.Has("denominator");
  if (cli.Has("rate") == fraction) {
    return cli.Fail(
        UsageError("'corridor fx publish' needs either --rate (such as 0.92) or --numerator and "
                   "--denominator"));
  }
  if (fraction && !(cli.Has("numerator") && cli.Has("denominator"))) {
    return cli.Fail(UsageError("--numerator and --denominator go together"));
  }
  if (cli.Has("rate")) {
    if (auto e = CheckRateSyntax("rate", cli.Flag("rate"))) return cli.Fail(*e);
  }
  if (cli.Has("valid-until") && cli.Has("valid-for")) {
    return cli.Fail(UsageError("give --valid-until or --valid-for, not both"));
  }
  std::optional<uint64_t> valid_from, valid_until;
  uint64_t valid_for = kDefaultValidFor;
  for (auto [flag, slot] : {std::pair{"valid-from", &valid_from}, {"valid-until", &valid_until}}) {
    if (!cli.Has(flag)) continue;
    auto h = ParseUintFlag(flag, cli.Flag(flag));
    if (!h) return cli.Fail(h.error());
    *slot = *h;
  }
  if (cli.Has("valid-for")) {
    auto n = ParseUintFlag("valid-for", cli.Flag("valid-for"));
    if (!n) return cli.Fail(n.error());
    if (*n == 0) return cli.Fail(UsageError("--valid-for must be at least 1 block"));
    valid_for = *n;
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());

  // 2. The node: signer, the assets' decimals, the height the window starts at.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  auto b = cli.FindAsset("base", base);
  if (!b) return cli.Fail(b.error());
  auto q = cli.FindAsset("quote", quote);
  if (!q) return cli.Fail(q.error());
  auto rate = RateFlags(cli, b->decimals, q->decimals);
  if (!rate) return cli.Fail(rate.error());
  PublishRate op;
  op.base = base;
  op.quote = quote;
  op.numerator = rate->numerator;
  op.denominator = rate->denominator;
  op.valid_from = valid_from.value_or(signer->chain.height + 1);
  if (valid_until) {
    op.valid_until = *valid_until;
  } else if (op.valid_from > UINT64_MAX - (valid_for - 1)) {
    return cli.Fail(UsageError("--valid-from plus --valid-for is too large"));
  } else {
    op.valid_until = op.valid_from + (valid_for - 1);
  }
  if (op.valid_until < op.valid_from) {
    return cli.Fail(UsageError("--valid-until (" + std::to_string(op.valid_until) +
                               ") is before --valid-from (" + std::to_string(op.valid_from) + ")"));
  }
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    if (op.valid_until <= signer->chain.height) {
      return cli.Fail(Failure("stale_rate: the window ends at height " +
                              std::to_string(op.valid_until) + " but the chain is at " +
                              std::to_string(signer->chain.height) + NotSubmitted()));
    }
  }
  const Pair pair{base, quote};
  PrintLine(cli, "rate",
            Describe(cli, pair, *rate) + " (" + std::to_string(op.numerator) + "/" +
                std::to_string(op.denominator) + " minor units), heights " +
                std::to_string(op.valid_from) + ".." + std::to_string(op.valid_until));
  // 3. Sign, submit, follow.
  return SignSubmitFollow(cli, *flags, *signer, op);
}

int FxPay(Cli& cli) {
  // 1. The command line alone.
  auto to = cli.ResolveAddress("to", cli.Flag("to"));
  if (!to) return cli.Fail(to.error());
  auto provider = cli.ResolveAddress("provider", cli.Flag("provider"));
  if (!provider) return cli.Fail(provider.error());
  if (*provider == *to) {
    return cli.Fail(UsageError("--provider must not be the receiver (--to)"));
  }
  const std::string source = cli.Flag("source-asset"), dest = cli.Flag("dest-asset");
  for (auto [flag, code] : {std::pair{"source-asset", &source}, {"dest-asset", &dest}}) {
    if (auto e = CheckAssetCode(flag, *code)) return cli.Fail(*e);
  }
  if (auto e = DifferentAssets("source-asset", source, "dest-asset", dest)) return cli.Fail(*e);
  for (const char* flag : {"amount", "max-source"}) {
    if (auto e = CheckAmountSyntax(flag, cli.Flag(flag))) return cli.Fail(*e);
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  if (auto info = cli.keystore().Info(flags->from)) {
    if (info->address == *to) {
      return cli.Fail(UsageError("--to is the sender itself (self_payment)"));
    }
    if (info->address == *provider) {
      return cli.Fail(UsageError("--provider must not be the sender (--from)"));
    }
  }

  // 2. The node: signer, decimals of both assets, then the amounts.
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  auto s = cli.FindAsset("source-asset", source);
  if (!s) return cli.Fail(s.error());
  auto d = cli.FindAsset("dest-asset", dest);
  if (!d) return cli.Fail(d.error());
  auto amount = ParseAmountFlag("amount", cli.Flag("amount"), d->decimals);
  if (!amount) return cli.Fail(amount.error());
  auto max_source = ParseAmountFlag("max-source", cli.Flag("max-source"), s->decimals);
  if (!max_source) return cli.Fail(max_source.error());
  FxPayment op{*to, source, dest, *amount, *max_source, *provider};

  // 3. Prechecks, in the state machine's order (docs/state.md §3): the rate
  //    and the provider's fee (account_get) give the quote, checked against
  //    --max-source and the balance. A node that does not show the fee
  //    leaves only the principal to check.
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
    auto receiver = CheckReceiver(cli, *to);
    if (!receiver) return cli.Fail(receiver.error());
    auto lp = cli.GetAccount(*provider);
    if (!lp) return cli.Fail(lp.error());
    if (!lp->has_value() || !HasRole(**lp, "liquidity_provider")) {
      return cli.Fail(Failure("not_liquidity_provider: " + provider->ToString() +
                              " does not hold the liquidity_provider role" + NotSubmitted()));
    }
    if ((*lp)->frozen) {
      return cli.Fail(Failure("liquidity_provider_frozen: account " + provider->ToString() +
                              " is frozen" + NotSubmitted()));
    }
    const Pair pair{source, dest};
    auto rate = CurrentRate(cli, pair);
    if (!rate) return cli.Fail(rate.error());
    if (!rate->has_value()) {
      return cli.Fail(
          Failure("no_rate: no rate was published for " + pair.Text() + NotSubmitted()));
    }
    const auto& [info, usable_next] = **rate;
    if (!usable_next) {
      return cli.Fail(Failure("stale_rate: the " + pair.Text() + " rate in force is for heights " +
                              std::to_string(info.valid_from) + ".." +
                              std::to_string(info.valid_until) + ", not the next block" +
                              NotSubmitted()));
    }
    auto principal = FxPrincipal(*amount, info.fraction);
    if (!principal) {
      return cli.Fail(Failure("overflow: " + FormatAmount(*amount, d->decimals) + " " + dest +
                              " costs more than the largest amount of " + source + NotSubmitted()));
    }
    const std::optional<uint16_t> bps = (*lp)->liquidity_fee_bps;
    const uint64_t fee = bps ? FxFee(*principal, *bps).value_or(UINT64_MAX) : 0;
    if (fee > UINT64_MAX - *principal) {
      return cli.Fail(Failure("overflow: the payment costs more than the largest amount of " +
                              source + NotSubmitted()));
    }
    const uint64_t total = *principal + fee;
    const std::string what = FormatAmount(*amount, d->decimals) + " " + dest;
    const std::string cost =
        bps ? FormatAmount(total, s->decimals) + " " + source + " (" +
                  FormatAmount(*principal, s->decimals) + " + " + FormatAmount(fee, s->decimals) +
                  " fee at " + std::to_string(*bps) + " bp)"
            : FormatAmount(*principal, s->decimals) + " " + source + " before the fee";
    PrintLine(cli, "quote", cost + " for " + what + " at " + Describe(cli, pair, info.fraction));
    if (total > *max_source) {
      return cli.Fail(Failure("slippage_exceeded: at the current rate " + what + " costs " + cost +
                              ", more than --max-source " + FormatAmount(*max_source, s->decimals) +
                              NotSubmitted()));
    }
    if (auto e =
            CheckAvailable(signer->account, "'" + signer->name + "'", source, total, s->decimals)) {
      return cli.Fail(*e);
    }
    if (Available(**lp, dest, d->decimals) < *amount) {
      return cli.Fail(Failure("insufficient_liquidity: the provider has " +
                              FormatAmount(Available(**lp, dest, d->decimals), d->decimals) + " " +
                              dest + " available, the payment delivers " +
                              FormatAmount(*amount, d->decimals) + NotSubmitted()));
    }
  }
  return SignSubmitFollow(cli, *flags, *signer, op);
}

int FxFee(Cli& cli) {
  auto bps = ParseUintFlag("fee-bps", cli.Flag("fee-bps"));
  if (!bps) return cli.Fail(bps.error());
  if (*bps > kMaxFeeBps) {
    return cli.Fail(UsageError("--fee-bps must be 0 to " + std::to_string(kMaxFeeBps) +
                               " (basis points: 25 is 0.25%)"));
  }
  auto flags = ReadSigningFlags(cli);
  if (!flags) return cli.Fail(flags.error());
  auto signer = ReadSigner(cli, *flags);
  if (!signer) return cli.Fail(signer.error());
  if (flags->precheck) {
    if (auto e = CheckSender(*signer)) return cli.Fail(*e);
  }
  return SignSubmitFollow(cli, *flags, *signer, SetLiquidityFee{static_cast<uint16_t>(*bps)});
}

int FxRate(Cli& cli) {
  auto pair = PairArg(cli.positionals()[0]);
  if (!pair) return cli.Fail(pair.error());
  rpc::Json p = rpc::Json::Object();
  p.Set("pair", pair->Text());
  if (cli.Has("height")) {
    auto h = ParseUintFlag("height", cli.Flag("height"));
    if (!h) return cli.Fail(h.error());
    p.Set("height", *h);
  }
  auto read = cli.CallRead("fx_getRate", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  auto rate = ReadRate("fx_getRate", r->value());
  if (!rate) return cli.Fail(rate.error());
  const auto& v = r->value();
  Show(cli, "pair", pair->Text());
  Show(cli, "rate", Describe(cli, *pair, rate->fraction));
  Show(cli, "fraction", Fraction(*pair, rate->fraction));
  Show(cli, "valid",
       "heights " + std::to_string(rate->valid_from) + ".." + std::to_string(rate->valid_until));
  Show(cli, "oracle", rate->oracle);
  Show(cli, "published", "height " + std::to_string(rate->published_height));
  if (auto h = JsonUint(v, "height")) Show(cli, "height", std::to_string(*h));
  std::string usable = JsonBool(v, "usable").value_or(false) ? "yes" : "no";
  if (auto next = JsonBool(v, "usableNext"))
    usable += std::string(" (next block: ") + (*next ? "yes" : "no") + ")";
  Show(cli, "usable", usable);
  return kExitOk;
}

int FxHistory(Cli& cli) {
  auto pair = PairArg(cli.positionals()[0]);
  if (!pair) return cli.Fail(pair.error());
  rpc::Json p = rpc::Json::Object();
  p.Set("pair", pair->Text());
  if (cli.Has("from-height")) {
    auto h = ParseUintFlag("from-height", cli.Flag("from-height"));
    if (!h) return cli.Fail(h.error());
    p.Set("fromHeight", *h);
  }
  if (cli.Has("limit")) {
    auto n = ParseUintFlag("limit", cli.Flag("limit"));
    if (!n) return cli.Fail(n.error());
    if (*n == 0 || *n > kMaxHistoryLimit) {
      return cli.Fail(UsageError("--limit must be 1 to " + std::to_string(kMaxHistoryLimit)));
    }
    p.Set("limit", *n);
  }
  auto read = cli.CallRead("fx_getRateHistory", p);
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto* rates = JsonArray(r->value(), "rates");
  if (rates == nullptr) return cli.Fail(UnexpectedAnswer("fx_getRateHistory", "no rates list"));
  Table t;
  t.Row({"PUBLISHED", "VALID", "RATE", "FRACTION", "ORACLE"});
  for (const auto& e : rates->GetArray()) {
    auto rate = ReadRate("fx_getRateHistory", e);
    if (!rate) return cli.Fail(rate.error());
    t.Row({std::to_string(rate->published_height),
           std::to_string(rate->valid_from) + ".." + std::to_string(rate->valid_until),
           Describe(cli, *pair, rate->fraction),
           std::to_string(rate->fraction.numerator) + "/" +
               std::to_string(rate->fraction.denominator),
           rate->oracle});
  }
  if (rates->Empty()) {
    cli.out() << "no rates\n";
  } else {
    t.Print(cli.out());
  }
  if (auto next = JsonUint(r->value(), "nextFromHeight")) {
    cli.out() << "next-from-height " << *next << "\n";
  }
  return kExitOk;
}

std::vector<CommandSpec> FxCommands() {
  return {
      {{"fx", "publish"},
       {},
       WithSigningFlags({"base", "quote", "rate", "numerator", "denominator", "valid-from",
                         "valid-until", "valid-for"}),
       {"from", "base", "quote"},
       "--base CODE --quote CODE (--rate R | --numerator N --denominator D) "
       "[--valid-from HEIGHT] [--valid-until HEIGHT | --valid-for BLOCKS] " +
           SigningSynopsis(),
       "publish the rate of BASE/QUOTE: 1 BASE = R QUOTE (oracle key)",
       FxPublish},
      {{"fx", "pay"},
       {},
       WithSigningFlags({"to", "source-asset", "dest-asset", "amount", "max-source", "provider"}),
       {"from", "to", "source-asset", "dest-asset", "amount", "max-source", "provider"},
       "--to ADDRESS --source-asset CODE --dest-asset CODE --amount AMOUNT "
       "--max-source AMOUNT --provider ADDRESS " +
           SigningSynopsis(),
       "deliver AMOUNT of the dest asset, paid in the source asset through a provider",
       FxPay},
      {{"fx", "fee"},
       {},
       WithSigningFlags({"fee-bps"}),
       {"from", "fee-bps"},
       "--fee-bps 0-10000 " + SigningSynopsis(),
       "set the fee a liquidity provider charges, in basis points (provider key)",
       FxFee},
      {{"fx", "rate"},
       {"PAIR"},
       {"height", "json"},
       {},
       "[--height H] [--json]",
       "the rate of a pair such as USD/EUR in force now or at height H",
       FxRate},
      {{"fx", "history"},
       {"PAIR"},
       {"from-height", "limit", "json"},
       {},
       "[--from-height H] [--limit N] [--json]",
       "every publication of a pair's rate, oldest first",
       FxHistory},
  };
}

}  // namespace corridor::wallet::cli
