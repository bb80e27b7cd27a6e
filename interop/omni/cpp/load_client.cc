// omniORB C++ load client for Bench::Echo: T threads call ping or add on one
// reference for a fixed time (or N calls each) and report throughput and
// latency percentiles on one line, so a benchmark can compare servers.
//
// Usage: load_client [-ORB... options] REF [-threads T] [-seconds S] [-calls N] [-op add|ping]
// Output: "calls=C seconds=S calls_per_sec=R p50_us=X p99_us=Y errors=E"
#include <omniORB4/CORBA.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench.hh"

using Clock = std::chrono::steady_clock;

struct Result {
  std::vector<float> latUS;
  long errors = 0;
};

static void worker(Bench::Echo_ptr e, bool add, Clock::time_point end, long maxCalls, Result* r) {
  r->latUS.reserve(1 << 16);
  for (long i = 0; i < maxCalls; i++) {
    Clock::time_point t0 = Clock::now();
    if (t0 >= end) break;
    try {
      if (add) {
        if (e->add((CORBA::Long)i, 1) != (CORBA::Long)(i + 1)) r->errors++;
      } else {
        e->ping();
      }
    } catch (CORBA::Exception&) {
      r->errors++;
      continue;
    }
    r->latUS.push_back(std::chrono::duration<float, std::micro>(Clock::now() - t0).count());
  }
}

int main(int argc, char** argv) {
  try {
    CORBA::ORB_var orb = CORBA::ORB_init(argc, argv);
    if (argc < 2) {
      std::cerr << "usage: load_client [-ORBoption value...] REF [-threads T] [-seconds S] [-calls N] [-op add|ping]"
                << std::endl;
      return 2;
    }
    int threads = 4;
    double seconds = 5;
    long calls = 1L << 40;
    bool add = true;
    for (int i = 2; i < argc; i++) {
      std::string a = argv[i];
      if (i + 1 >= argc) {
        std::cerr << "load_client: " << a << " needs a value" << std::endl;
        return 2;
      }
      std::string v = argv[++i];
      if (a == "-threads") threads = atoi(v.c_str());
      else if (a == "-seconds") seconds = atof(v.c_str());
      else if (a == "-calls") calls = atol(v.c_str());
      else if (a == "-op" && (v == "add" || v == "ping")) add = v == "add";
      else {
        std::cerr << "load_client: bad argument " << a << " " << v << std::endl;
        return 2;
      }
    }
    if (threads < 1 || seconds <= 0 || calls < 1) {
      std::cerr << "load_client: -threads, -seconds and -calls must be positive" << std::endl;
      return 2;
    }
    CORBA::Object_var obj = orb->string_to_object(argv[1]);
    Bench::Echo_var e = Bench::Echo::_unchecked_narrow(obj);
    // Warm up: connect (one connection per thread) before the clock starts.
    {
      std::vector<std::thread> ts;
      for (int i = 0; i < threads; i++) ts.emplace_back([&] { e->ping(); });
      for (auto& t : ts) t.join();
    }
    std::vector<Result> res(threads);
    std::vector<std::thread> ts;
    Clock::time_point start = Clock::now();
    Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (int i = 0; i < threads; i++) ts.emplace_back(worker, e.in(), add, end, calls, &res[i]);
    for (auto& t : ts) t.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

    std::vector<float> all;
    long errors = 0;
    for (auto& r : res) {
      all.insert(all.end(), r.latUS.begin(), r.latUS.end());
      errors += r.errors;
    }
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) -> double { return all.empty() ? 0 : all[(size_t)(p * (all.size() - 1))]; };
    printf("calls=%zu seconds=%.3f calls_per_sec=%.0f p50_us=%.1f p99_us=%.1f errors=%ld\n", all.size(), elapsed,
           all.size() / elapsed, pct(0.50), pct(0.99), errors);
    orb->destroy();
    return errors ? 1 : 0;
  } catch (CORBA::Exception& ex) {
    std::cerr << "load_client: CORBA exception " << ex._name() << std::endl;
    return 1;
  }
}
