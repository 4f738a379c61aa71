// The table of legal sources (zf/legal_sources.h): parsed once from the
// TSV that cmake/embed_text.cmake compiles in (domain/legal_sources.tsv).
#include "zf/legal_sources.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace zf {
namespace internal {
extern const std::string_view kLegalSourcesTsv;
}  // namespace internal

namespace {

// Splits `line` at tabs into exactly `n` fields; false otherwise.
bool SplitFields(std::string_view line, std::size_t n, std::vector<std::string_view>* fields) {
  fields->clear();
  while (true) {
    const std::size_t tab = line.find('\t');
    fields->push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return fields->size() == n;
}

// A malformed table is a build defect that the docs.legal_sources test
// reports; the library refuses to run with one rather than cite wrongly.
[[noreturn]] void BadTable(std::string_view line) {
  std::fprintf(stderr, "zf: malformed row in legal_sources.tsv: %.*s\n",
               static_cast<int>(line.size()), line.data());
  std::abort();
}

std::vector<LegalSource> ParseTable(std::string_view tsv) {
  std::vector<LegalSource> rows;
  std::vector<std::string_view> f;
  bool header_seen = false;
  while (!tsv.empty()) {
    const std::size_t eol = tsv.find('\n');
    std::string_view line = tsv.substr(0, eol);
    tsv.remove_prefix(eol == std::string_view::npos ? tsv.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    if (!header_seen) {  // "code\tcitation_zh\tcitation_en\tmessage_zh"
      header_seen = true;
      continue;
    }
    if (!SplitFields(line, 4, &f) || f[0].empty() || f[1].empty() || f[2].empty() ||
        f[3].empty()) {
      BadTable(line);
    }
    rows.push_back(LegalSource{f[0], f[1], f[2], f[3]});
  }
  // Sorted in the file too, but lookups must not depend on how it was edited.
  std::sort(rows.begin(), rows.end(),
            [](const LegalSource& a, const LegalSource& b) { return a.code < b.code; });
  return rows;
}

}  // namespace

const std::vector<LegalSource>& AllLegalSources() {
  static const std::vector<LegalSource> rows = ParseTable(internal::kLegalSourcesTsv);
  return rows;
}

const LegalSource* FindLegalSource(std::string_view code) {
  const std::vector<LegalSource>& rows = AllLegalSources();
  auto it = std::lower_bound(rows.begin(), rows.end(), code,
                             [](const LegalSource& row, std::string_view c) { return row.code < c; });
  return it != rows.end() && it->code == code ? &*it : nullptr;
}

std::string_view RejectionCitation(const Rejection& rejection, Language language) {
  const LegalSource* row = FindLegalSource(rejection.code);
  if (row == nullptr) return rejection.legal_basis;
  return language == Language::kZh ? row->citation_zh : row->citation_en;
}

std::string_view RejectionMessage(const Rejection& rejection, Language language) {
  const LegalSource* row = FindLegalSource(rejection.code);
  if (row == nullptr || language == Language::kEn) return rejection.message;
  return rejection.message_zh.empty() ? row->message_zh : rejection.message_zh;
}

}  // namespace zf
