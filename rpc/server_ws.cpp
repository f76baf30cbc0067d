// WebSocket sessions: JSON-RPC messages, subscriptions, the bounded outbound
// queue and the slow-consumer policy (docs/rpc.md, "Subscriptions").
//
// Everything touching the websocket stream runs on the session's strand.
// Deliver() (from publishers and replay workers) and Subscribe/Unsubscribe
// (from request workers) run on other threads and only touch state guarded by
// out_mu_ / subs_mu_, then post to the strand.
#include <deque>

#include <spdlog/spdlog.h>
#include <boost/beast/websocket.hpp>

#include "rpc/server_impl.h"

namespace corridor::rpc {

namespace {

namespace websocket = boost::beast::websocket;

class WsSession : public std::enable_shared_from_this<WsSession>,
                  public SubscriptionSink,
                  public SubscriptionHost {
 public:
  WsSession(Server::Impl& server, beast::tcp_stream stream, ConnectionSlot slot, CallContext ctx)
      : server_(server),
        ws_(std::move(stream)),
        slot_(std::move(slot)),
        ctx_(std::move(ctx)),
        close_timer_(ws_.get_executor()) {
    ctx_.subscriptions = this;
    server_.ws_sessions_.fetch_add(1);
  }

  ~WsSession() override {
    CancelAll();
    server_.ws_sessions_.fetch_sub(1);
  }

  void Run(http::request<http::string_body> upgrade) {
    const auto& limits = server_.config_.limits;
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = limits.ws_handshake_timeout;
    timeouts.idle_timeout = limits.ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(limits.max_ws_message_bytes);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "corridord"); }));
    ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::OnAccept, shared_from_this()));
  }

  // --- SubscriptionSink (any thread, topic lock held) ----------------------
  void Deliver(std::string notification, bool replay) override {
    const auto& limits = server_.config_.limits;
    {
      std::lock_guard lock(out_mu_);
      if (slow_ || closed_) return;
      if (!replay && (out_.size() >= limits.max_ws_outbound_messages ||
                      out_bytes_ + notification.size() > limits.max_ws_outbound_bytes)) {
        slow_ = true;
        out_bytes_ = 0;
        out_.clear();
      } else {
        out_bytes_ += notification.size();
        out_.push_back(std::move(notification));
        if (kick_pending_) return;
        kick_pending_ = true;
      }
    }
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      {
        std::lock_guard lock(self->out_mu_);
        self->kick_pending_ = false;
      }
      self->OnOutboundChanged();
    });
  }

  // --- SubscriptionHost (request worker thread) ----------------------------
  Outcome<std::string> Subscribe(std::string_view topic, std::optional<uint64_t> from_height,
                                 std::optional<Address> account) override {
    std::lock_guard lock(subs_mu_);
    size_t max = server_.config_.limits.max_subscriptions_per_connection;
    if (subs_.size() >= max) {
      return RpcError::LimitExceeded(
          "subscriptions", max,
          "this connection already has " + std::to_string(max) + " subscriptions");
    }
    auto sub =
        server_.hub_.Create(topic, from_height, SubscriptionFilter{account}, weak_from_this());
    if (!sub) return std::move(sub).error();
    std::string id = (*sub)->id();
    pending_activation_.push_back(*sub);
    subs_.emplace(id, std::move(*sub));
    return id;
  }

  bool Unsubscribe(std::string_view id) override {
    std::lock_guard lock(subs_mu_);
    auto it = subs_.find(id);
    if (it == subs_.end()) return false;
    server_.hub_.Cancel(it->second);
    std::erase(replaying_, it->second);
    subs_.erase(it);
    return true;
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return;
    DoRead();
  }

  void DoRead() {
    ws_.async_read(read_buf_, beast::bind_front_handler(&WsSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) {
      if (ec == websocket::error::message_too_big) server_.oversized_.fetch_add(1);
      // Closed by the peer, timed out, or broken: Beast has already answered
      // a close frame and fails the pending write; just stop.
      MarkClosed();
      return;
    }
    server_.requests_.fetch_add(1);
    std::string message = beast::buffers_to_string(read_buf_.data());
    read_buf_.consume(read_buf_.size());
    if (!ws_.got_text()) {
      Enqueue(Dispatcher::ErrorResponse(
          RpcError::InvalidRequest("send JSON-RPC as text messages, not binary")));
      return DoRead();
    }
    auto self = shared_from_this();
    bool queued = server_.RunOnWorker([self, message = std::move(message)] {
      const Dispatcher& d = self->server_.DispatcherFor(self->ctx_);
      DispatchOutput out = d.Handle(message, self->ctx_);
      self->server_.NoteDispatch(out);
      net::post(self->ws_.get_executor(), [self, body = std::move(out.body)]() mutable {
        if (!body.empty()) self->Enqueue(std::move(body));
        // After the response is queued, so the id reaches the client before
        // the first notification.
        self->ActivatePending();
        if (!self->closed_on_strand_) self->DoRead();
      });
    });
    if (!queued) {
      Enqueue(Dispatcher::ErrorResponse(
          RpcError::ServerBusy("server busy: too many requests in flight")));
      DoRead();
    }
  }

  // Strand. Responses are never refused: a connection has at most one
  // request in flight, so they cannot pile up.
  void Enqueue(std::string message) {
    {
      std::lock_guard lock(out_mu_);
      if (slow_ || closed_) return;
      out_bytes_ += message.size();
      out_.push_back(std::move(message));
    }
    OnOutboundChanged();
  }

  void ActivatePending() {
    std::vector<std::shared_ptr<Subscription>> pending;
    {
      std::lock_guard lock(subs_mu_);
      pending.swap(pending_activation_);
      for (auto& sub : pending) {
        if (subs_.count(sub->id()) == 0) continue;  // already unsubscribed
        server_.hub_.Activate(sub);
        replaying_.push_back(sub);  // ReplayStep is a no-op for live ones
      }
    }
    PumpReplay();
  }

  // Strand. Runs one replay step on a worker when the outbound queue has room;
  // called again after each write and after each step.
  void PumpReplay() {
    if (replay_running_ || closed_on_strand_) return;
    size_t room;
    {
      std::lock_guard lock(out_mu_);
      if (slow_ || closed_) return;
      // Replay fills at most half the queue, leaving the rest for live events.
      size_t half = std::max<size_t>(server_.config_.limits.max_ws_outbound_messages / 2, 1);
      if (out_.size() >= half) return;  // resumed by the write loop
      room = std::min(server_.config_.limits.replay_batch, half - out_.size());
    }
    std::shared_ptr<Subscription> sub;
    {
      std::lock_guard lock(subs_mu_);
      if (replaying_.empty()) return;
      sub = replaying_.front();
    }
    replay_running_ = true;
    auto self = shared_from_this();
    server_.RunOnWorkerUncounted([self, sub, room] {
      bool more = self->server_.hub_.ReplayStep(sub, std::max<size_t>(room, 1));
      net::post(self->ws_.get_executor(), [self, sub, more] {
        self->replay_running_ = false;
        if (!more) {
          std::lock_guard lock(self->subs_mu_);
          std::erase(self->replaying_, sub);
        }
        self->PumpReplay();
      });
    });
  }

  // Strand: start the next write, or the slow-consumer close.
  void OnOutboundChanged() {
    if (closed_on_strand_) return;
    bool slow;
    {
      std::lock_guard lock(out_mu_);
      slow = slow_;
      if (!slow && !writing_) {
        if (out_.empty()) return;
        current_ = std::move(out_.front());
        out_.pop_front();
        out_bytes_ -= current_.size();
      }
    }
    if (slow) return CloseSlowConsumer();
    if (writing_) return;
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(current_),
                    beast::bind_front_handler(&WsSession::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    writing_ = false;
    current_.clear();
    if (ec) {
      MarkClosed();
      return;
    }
    OnOutboundChanged();
    PumpReplay();
  }

  // Strand. The close frame goes out once the write in progress (if any)
  // finishes; a peer that does not read may never let that happen, so the
  // socket is cut after a grace period.
  void CloseSlowConsumer() {
    const auto& limits = server_.config_.limits;
    if (!slow_close_begun_) {
      slow_close_begun_ = true;
      server_.slow_consumer_.fetch_add(1);
      spdlog::info("rpc: closing WebSocket from {}: slow consumer", ctx_.remote_address);
      CancelAll();
      close_timer_.expires_after(limits.slow_consumer_close_grace);
      close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec) return;
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().close(ignored);
      });
    }
    if (writing_ || close_sent_) return;
    close_sent_ = true;
    std::string reason = "slow consumer: more than " +
                         std::to_string(limits.max_ws_outbound_messages) + " messages or " +
                         std::to_string(limits.max_ws_outbound_bytes) + " bytes queued";
    ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, reason),
                    [self = shared_from_this()](beast::error_code) {
                      self->close_timer_.cancel();
                      self->MarkClosed();
                    });
  }

  // Strand.
  void MarkClosed() {
    closed_on_strand_ = true;
    {
      std::lock_guard lock(out_mu_);
      closed_ = true;
      out_.clear();
      out_bytes_ = 0;
    }
    CancelAll();
  }

  void CancelAll() {
    std::lock_guard lock(subs_mu_);
    for (auto& [id, sub] : subs_) server_.hub_.Cancel(sub);
    subs_.clear();
    replaying_.clear();
    pending_activation_.clear();
  }

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  ConnectionSlot slot_;
  CallContext ctx_;
  net::steady_timer close_timer_;
  beast::flat_buffer read_buf_;

  // Strand only.
  bool writing_ = false;
  bool replay_running_ = false;
  bool closed_on_strand_ = false;
  bool slow_close_begun_ = false;
  bool close_sent_ = false;
  std::string current_;

  std::mutex out_mu_;
  std::deque<std::string> out_;  // GUARDED_BY(out_mu_)
  size_t out_bytes_ = 0;         // GUARDED_BY(out_mu_)
  bool kick_pending_ = false;    // GUARDED_BY(out_mu_)
  bool slow_ = false;            // GUARDED_BY(out_mu_)
  bool closed_ = false;          // GUARDED_BY(out_mu_)

  std::mutex subs_mu_;
  std::map<std::string, std::shared_ptr<Subscription>, std::less<>> subs_;  // GUARDED_BY(subs_mu_)
  std::vector<std::shared_ptr<Subscription>> pending_activation_;           // GUARDED_BY(subs_mu_)
  std::vector<std::shared_ptr<Subscription>> replaying_;                    // GUARDED_BY(subs_mu_)
};

}  // namespace

void StartWebSocketSession(Server::Impl& server, beast::tcp_stream stream,
                           http::request<http::string_body> upgrade, ConnectionSlot slot,
                           CallContext ctx) {
  auto session =
      std::make_shared<WsSession>(server, std::move(stream), std::move(slot), std::move(ctx));
  session->Run(std::move(upgrade));
}

}  // namespace corridor::rpc
