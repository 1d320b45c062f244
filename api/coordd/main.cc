// coordd: a coord node. Parses the flags (flags.h), starts the Daemon (daemon.h), waits for
// SIGTERM or SIGINT and stops cleanly.
//
// Exit codes: 0 after a clean stop or --help; 1 when the node cannot start (the message says
// why: a corrupt or foreign data directory, a port in use, an unwritable directory); 2 for bad
// flags.
#include <signal.h>

#include <cstdio>
#include <string>

#include "api/coordd/daemon.h"
#include "api/coordd/flags.h"
#include "raft/log.h"

int main(int argc, char** argv) {
  using coord::api::CoorddFlags;
  auto flags = coord::api::ParseCoorddFlags(argc, argv);
  if (!flags.ok()) {
    std::fprintf(stderr, "coordd: %s\nTry 'coordd --help' for the list of flags.\n",
                 flags.status().message().c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(flags->help_text.c_str(), stdout);
    return 0;
  }

  // Signals are taken synchronously by this thread (sigwait): block them before any other
  // thread exists, so that every thread inherits the mask and none is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A peer or client vanishing mid-write must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  auto daemon = coord::api::Daemon::Start(*flags);
  if (!daemon.ok()) {
    std::fprintf(stderr, "coordd: %s\n", daemon.status().message().c_str());
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  coord::raft::Log(coord::raft::LogLevel::kInfo, "coordd_stopping", "signal", sig);
  (*daemon)->Stop();
  daemon->reset();
  coord::raft::Log(coord::raft::LogLevel::kInfo, "coordd_stopped");
  return 0;
}
