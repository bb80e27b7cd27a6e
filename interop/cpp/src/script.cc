#include "script.h"

#include <cctype>
#include <fstream>
#include <stdexcept>

namespace script {

namespace {

bool blank(char c) { return std::isspace((unsigned char)c) != 0; }

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && blank(s[b])) b++;
  while (e > b && blank(s[e - 1])) e--;
  return s.substr(b, e - b);
}

}  // namespace

std::vector<std::string> tokens(const std::string& line, int lineNo) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    if (blank(line[i])) {
      i++;
      continue;
    }
    size_t start = i;
    if (line[i] == '"') {
      i++;
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= line.size()) throw std::runtime_error("line " + std::to_string(lineNo) + ": unterminated string");
      i++;
    } else {
      while (i < line.size() && !blank(line[i])) i++;
    }
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::vector<Line> load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Line> out;
  std::string raw;
  for (int n = 1; std::getline(in, raw); n++) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> t = tokens(line, n);
    Line l{n, "", "", "", {}};
    if (t.size() > 1 && t[1] == "=") {
      l.bind = t[0];
      t.erase(t.begin(), t.begin() + 2);
    }
    if (t.size() < 2) throw std::runtime_error(path + ":" + std::to_string(n) + ": want SERVICE OPERATION ARG...");
    l.service = t[0];
    l.op = t[1];
    l.args.assign(t.begin() + 2, t.end());
    out.push_back(l);
  }
  return out;
}

}  // namespace script
