// A scenario file (interop/java/scenarios, format in its header): one call
// a line, "[NAME =] SERVICE OPERATION ARG...", parsed exactly as
// ScenarioScript.java and interop/python/scenario.py parse it.
#ifndef CONCORD_INTEROP_CPP_SCRIPT_H
#define CONCORD_INTEROP_CPP_SCRIPT_H

#include <string>
#include <vector>

namespace script {

struct Line {
  int lineNo;
  std::string bind;  // empty: the result is not kept
  std::string service, op;
  std::vector<std::string> args;
};

// tokens splits on blanks; a "quoted" token keeps its quotes so that it is
// always a string. Throws std::runtime_error on an unterminated string.
std::vector<std::string> tokens(const std::string& line, int lineNo);

// load reads a scenario file; throws std::runtime_error naming file:line.
std::vector<Line> load(const std::string& path);

}  // namespace script

#endif
