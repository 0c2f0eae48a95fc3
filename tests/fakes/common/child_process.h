// ChildProcess (tests only): a fake's binary started with posix_spawn, its stdout and
// stderr on pipes, read with deadlines; killed on destruction if still running. Used by
// the tests of each fake's main().
//
// Thread-safety: one thread per instance.
#pragma once

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace gov::fake::testing {

class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& args) {
    int out[2];
    int err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<std::string> argv_storage = {binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }

  // Reads stdout up to its first newline; empty on timeout or end of stream.
  std::string ReadStdoutLine(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      if (size_t nl = stdout_.find('\n'); nl != std::string::npos) {
        std::string line = stdout_.substr(0, nl);
        stdout_.erase(0, nl + 1);
        return line;
      }
      if (!ReadSome(out_, stdout_, deadline)) return std::string();
    }
  }
  // The port of the "listening on 127.0.0.1:PORT" line, or -1.
  int Port() {
    const std::string line = ReadStdoutLine(absl::Seconds(30));
    EXPECT_THAT(line, ::testing::MatchesRegex("listening on 127\\.0\\.0\\.1:[0-9]+"));
    int port = -1;
    const std::string prefix = "listening on 127.0.0.1:";
    if (!absl::StartsWith(line, prefix) || !absl::SimpleAtoi(line.substr(prefix.size()), &port)) {
      return -1;
    }
    return port;
  }
  // Waits for the exit; returns the exit status, or -1 on timeout / signal death.
  int Wait(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    return -1;
  }
  // Everything the child wrote to stderr (call after it exited).
  std::string Stderr() {
    std::string all;
    while (ReadSome(err_, all, absl::Now() + absl::Seconds(5))) {
    }
    return all;
  }
  std::string RemainingStdout() {
    std::string all = stdout_;
    while (ReadSome(out_, all, absl::Now() + absl::Seconds(5))) {
    }
    return all;
  }
  void Signal(int sig) { kill(pid_, sig); }

 private:
  static bool ReadSome(int fd, std::string& into, absl::Time deadline) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(ms)) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return false;
    into.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool exited_ = false;
  std::string stdout_;
};

}  // namespace gov::fake::testing
