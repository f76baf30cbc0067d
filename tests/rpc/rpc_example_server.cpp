// Serves the dummy method table (test_methods.h) and a "blocks" topic that
// gains one block per `--block-ms`, for trying docs/rpc.md's examples by hand:
//   build/dev/tests/rpc/rpc_example_server --port 8545 [--token T] [--block-ms 1000]
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "fake_source.h"
#include "rpc/server.h"
#include "test_methods.h"

using namespace corridor::rpc;

namespace {
std::atomic<bool> g_stop{false};
}

int main(int argc, char** argv) {
  ServerConfig config;
  int block_ms = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port"))
      config.port = static_cast<uint16_t>(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--token")) config.admin_token = argv[i + 1];
    if (!std::strcmp(argv[i], "--block-ms")) block_ms = std::atoi(argv[i + 1]);
  }
  Server server(config);
  testing::RegisterTestMethods(server);
  (void)server.RegisterHttpGet("/health", [](const CallContext&) {
    return HttpResponse{200, "application/json", R"({"status":"ok"})"};
  });
  auto source = std::make_shared<testing::FakeSource>();
  (void)server.RegisterTopic("blocks", source);
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().ToString().c_str());
    return 1;
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  for (uint64_t h = 1; !g_stop; ++h) {
    source->Append(testing::BlockEvent(h));
    server.Publish("blocks", testing::BlockEvent(h));
    for (int i = 0; i < block_ms / 10 && !g_stop; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  server.Stop();
}
