// Signal handling for the mains: SIGINT/SIGTERM are blocked in every thread and waited
// for by one thread with sigwait, so shutdown runs as ordinary code, not in a handler.
#pragma once

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>

namespace gov {

inline void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

// Returns the signal received (SIGUSR1 means "stop waiting", sent by InterruptSignalWait).
inline int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

// Wakes the thread in WaitForTerminationSignal when the process stops for another reason.
inline void InterruptSignalWait() { kill(getpid(), SIGUSR1); }

}  // namespace gov
