// Chinese descriptions of zfcli's options, for `zfcli help COMMAND` (and
// `COMMAND --help`) in the default language. The options are declared with
// their English description beside the code that reads them; this table is
// keyed by that text (whitespace collapsed), so one description used by
// several commands is translated once. A description with no entry here is
// printed in English, and cli.help_chinese fails on it.
#include "option_help.h"

#include <map>
#include <string>

namespace zfcli {
namespace {

const std::map<std::string, std::string_view, std::less<>>& Table() {
  static const auto* table = new std::map<std::string, std::string_view, std::less<>>{
      // Global options.
      {"store: a directory (RocksDB) or a postgresql:// URL (default: $ZF_DB, else ./zf-data)",
       "事件存储：目录（RocksDB）或 postgresql:// 地址（默认 $ZF_DB，否则 ./zf-data）"},
      {"labels: zh | en", "界面语言：zh（中文）| en（英文）"},
      {"machine-readable JSON output", "以 JSON 输出，供程序读取"},
      {"SM2 private key (PEM) to sign ledger checkpoints with (default: $ZF_CHECKPOINT_KEY)",
       "签署总账检查点所用的 SM2 私钥（PEM，默认 $ZF_CHECKPOINT_KEY）"},
      {"sign a checkpoint each N events (default: $ZF_CHECKPOINT_EVERY, else 1000; 0: only on "
       "backup)",
       "每 N 个事件签署一个检查点（默认 $ZF_CHECKPOINT_EVERY，否则 1000；0：仅在备份时）"},
      {"directory of agencies' seal private keys, <agency>.pem (default: $ZF_SEAL_KEYS)",
       "各机关电子印章私钥所在目录，文件名为 <机关>.pem（默认 $ZF_SEAL_KEYS）"},
      {"show help", "显示帮助"},
      // Reading a case, the docket and deadlines.
      {"the case id", "案件编号"},
      {"answer as of a time: events that occurred by then (DATE = end of that day, or RFC 3339)",
       "按某一时间作答：只计此前发生的事件（日期指当日结束时，或 RFC 3339 时间）"},
      {"answer with the events recorded at log positions <= N",
       "只按日志位置不超过 N 的事件作答"},
      {"record this read in the access trail as this officer",
       "以此执法人员身份查阅，并记入查阅记录"},
      {"the reader's role (with --as-actor)", "查阅人的角色（与 --as-actor 同用）"},
      {"the reader's unit (with --as-actor)", "查阅人的单位（与 --as-actor 同用）"},
      {"why the case is read", "查阅目的"},
      {"write to FILE instead of stdout", "写入文件，而不是标准输出"},
      {"lifecycle state id (e.g. investigating)", "案件状态编码（如 investigating，调查中）"},
      {"handling subject: township or department id", "执法主体：乡镇（街道）或部门编码"},
      {"township where the violation happened", "违法行为发生地的乡镇（街道）"},
      {"enforcement area id (its townships)", "执法片区编码（按其所辖乡镇）"},
      {"power item code", "权责事项编码"},
      {"party id", "当事人证件号码或统一社会信用代码"},
      {"only cases not in a final state", "只列未办结的案件"},
      {"only deadlines already breached", "只列已超期的期限"},
      {"only deadlines due within N days (not yet breached)", "只列 N 日内届满（尚未超期）的期限"},
      {"only deadlines past their plain legal period (e.g. 90 days from filing): breached, or "
       "moved by pauses and extensions, which the basis column names",
       "只列已超过法定基本期限（如立案之日起九十日）的期限：已超期的，或因中止、延长而顺延的"
       "（依据一栏写明理由）"},
      // Statistics.
      {"first day of the period (YYYY-MM-DD)", "统计期间的第一天（YYYY-MM-DD）"},
      {"last day of the period (YYYY-MM-DD)", "统计期间的最后一天（YYYY-MM-DD）"},
      {"only the cases and visits of this enforcement area's townships (片区)",
       "只统计该执法片区所辖乡镇（街道）的案件和检查"},
      {"only the cases and visits that happened in this township",
       "只统计发生在该乡镇（街道）的案件和检查"},
      // The power list.
      {"date YYYY-MM-DD or RFC 3339 time (default: today)",
       "日期 YYYY-MM-DD 或 RFC 3339 时间（默认今天）"},
      {"only items this department holds or this township was delegated",
       "只列该部门实施或已赋权该乡镇（街道）的事项"},
      {"only this power item code", "只列该权责事项"},
      {"power item code, e.g. SAFE-017", "权责事项编码，如 SAFE-017"},
      {"township id, e.g. gaosha", "乡镇（街道）编码，如 gaosha（高砂镇）"},
      // Import, exec, replay.
      {"JSONL file of commands, - for stdin", "命令文件（JSONL），- 表示标准输入"},
      {"report every bad line and apply the good ones", "报告每一行错误，并执行正确的行"},
      {"all or nothing: one write for the whole file (held in memory)",
       "全部执行或全部不执行：整个文件一次写入（读入内存）"},
      {"validate and decide every command, write nothing", "校验并裁决每条命令，但不写入"},
      {"commands per write and sync, a multiple of 256: what a crash can undo at most",
       "每次写入并同步的命令数，须为 256 的倍数：崩溃时最多可能撤销的命令数"},
      {"lines parsed and checked ahead on another thread (0: none)",
       "在另一线程预先解析和校验的行数（0：不预读）"},
      {"show progress on stderr even when it is not a terminal",
       "即使标准错误不是终端也显示进度"},
      {"show no progress, even on a terminal", "不显示进度，即使在终端上"},
      {"the command as JSON text, - to read it from stdin",
       "命令的 JSON 文本，- 表示从标准输入读取"},
      {"compare only: exit 6 when a stored row differs from the rebuilt one",
       "只比较不写入：存储的行与重建结果不同时以退出码 6 结束"},
      // Audit, dossier, verification, checkpoints.
      {"first position checked", "校验的起始位置"},
      {"last position checked", "校验的终止位置"},
      {"threads to use (0: one per hardware thread; 1: no other thread)",
       "使用的线程数（0：每个硬件线程一个；1：不用其他线程）"},
      {"only this case's commands", "只核该案件的命令"},
      {"also write the JSON report to FILE", "另将 JSON 报告写入文件"},
      {"checkpoints kept elsewhere: a file of `checkpoint export` lines, or POS:HASH; repeatable",
       "另行保存的检查点：`checkpoint export` 输出的文件，或 位置:哈希；可多次给出"},
      {"the SM2 public key (PEM) the anchors must be signed with (default: the key each line "
       "carries, which proves only that the line is intact)",
       "检查点必须由其签署的 SM2 公钥（PEM；默认用每行自带的公钥，只能证明该行未被改动）"},
      {"the dossier", "案卷文件"},
      {"first position", "起始位置"},
      {"last position", "终止位置"},
      {"last position (default: the ledger head)", "终止位置（默认总账末端）"},
      {"skip the stream index and head checks", "不校验流索引和流末端"},
      {"only checkpoints at or after POS", "只列位置不小于 POS 的检查点"},
      {"a form for printing on paper instead of JSON lines", "适合打印存档的格式，而不是 JSON 行"},
      {"write to FILE (default: stdout)", "写入文件（默认标准输出）"},
      // The log.
      {"only this stream", "只看该事件流"},
      {"at most N events", "最多 N 个事件"},
      {"keep printing events as they are appended (Ctrl-C ends)",
       "持续输出新追加的事件（Ctrl-C 结束）"},
      {"with --follow: seconds between looks at the store (0.05 to 3600)",
       "与 --follow 同用：查看存储的间隔秒数（0.05 至 3600）"},
      {"JSONL file of append requests, - for stdin", "追加请求文件（JSONL），- 表示标准输入"},
      // Backup and copies.
      {"new directory for the copy (must not exist)", "备份写入的新目录（不得已存在）"},
      {"the new store: a postgresql:// URL", "新的存储：postgresql:// 地址"},
      // The server.
      {"HOST:PORT to listen on (port 0: any free port, printed on stdout)",
       "监听的 主机:端口（端口 0：任一空闲端口，在标准输出中打印）"},
      {"JSON config: tokens, limits, tls (docs/api.md)",
       "JSON 配置文件：令牌、限额、TLS（见 docs/api.md）"},
      {"file for the JSON-lines access log (default: stderr)",
       "访问日志文件（JSON 行；默认标准错误）"},
      {"create the store at --db if it is missing (else a missing store: exit 3)",
       "--db 处没有存储时新建（否则以退出码 3 结束）"},
      {"print the digest of a token for the config file, and exit",
       "打印令牌的摘要（供写入配置文件）后退出"},
      {"digest for --hash-token: sha256 | sm3", "--hash-token 所用的摘要算法：sha256 | sm3"},
      // The calendar.
      {"trigger date YYYY-MM-DD (not counted)", "起算日 YYYY-MM-DD（当日不计入）"},
      {"N calendar days", "N 日（自然日）"},
      {"N working days (APL art. 85)", "N 个工作日（《中华人民共和国行政处罚法》第八十五条）"},
      {"N months", "N 个月"},
      {"N years", "N 年"},
      {"who must meet it: party | agency (rest-day rule: 民法典 art. 203; docs/domain.md, "
       "Conventions)",
       "期限由谁遵守：party（当事人）| agency（行政机关）（期间届满日为休息日的规则："
       "《中华人民共和国民法典》第二百零三条；见 docs/domain.md「约定」）"},
      {"use the holiday arrangements published by then (DATE or RFC 3339); default: all",
       "只采用此前公布的节假日安排（日期或 RFC 3339 时间）；默认全部"},
      // Grid, joint actions.
      {"first day (YYYY-MM-DD), inclusive", "第一天（YYYY-MM-DD，含当日）"},
      {"last day (YYYY-MM-DD), inclusive", "最后一天（YYYY-MM-DD，含当日）"},
      {"ticket state (reported, dispatched, …, closed)",
       "工单状态（reported 已上报、dispatched 已派遣……closed 已办结）"},
      {"township of the micro-grid", "微网格所在乡镇（街道）"},
      {"dispatched to this unit or the subject it works for", "派遣给该单位或其所属执法主体的"},
      {"the id", "编号"},
      {"enforcement area id", "执法片区编码"},
      {"planned | closed", "planned（已计划）| closed（已结束）"},
      // Case-file review.
      {"the campaign id", "评查活动编号"},
      {"campaign title", "评查活动名称"},
      {"reviewing unit (department or township id)", "评查单位（部门或乡镇编码）"},
      {"period start YYYY-MM-DD (files archived)", "评查期间起始日 YYYY-MM-DD（按归档日期）"},
      {"period end YYYY-MM-DD (inclusive)", "评查期间终止日 YYYY-MM-DD（含当日）"},
      {"explicit list of case ids, comma-separated", "指定的案件编号，以逗号分隔"},
      {"sampling: draw N files (per subject with --per-subject)",
       "抽样：抽取 N 份案卷（与 --per-subject 同用时为每个执法主体）"},
      {"sampling: draw P percent, rounded up", "抽样：抽取 P%，向上取整"},
      {"sampling: draw from each handling subject's files", "抽样：从每个执法主体的案卷中分别抽取"},
      {"sampling: only these handling subjects (a,b)", "抽样：只从这些执法主体中抽取（a,b）"},
      {"sampling: the seed (the draw is reproducible)", "抽样：随机种子（抽样结果可复现）"},
      {"officer id giving the command", "下达命令的执法人员编号"},
      {"the unit the actor acts for", "该人员所代表的单位"},
      {"the actor's role", "该人员的角色"},
      {"business time (RFC 3339); default now", "业务时间（RFC 3339）；默认当前时间"},
      {"idempotency key; default derived from the command", "幂等键；默认由命令内容生成"},
      {"the sampled case", "抽中的案件"},
      {"the auditor who scored the file", "评分的评查人员"},
      {"content score, 0..80", "实体内容得分，0 至 80"},
      {"form score, 0..20", "形式规范得分，0 至 20"},
      {"veto items found, comma-separated", "发现的否决项，以逗号分隔"},
      {"the auditor's findings", "评查意见"},
      {"why it closes with files unscored", "尚有案卷未评分即结束的理由"},
      // The access trail.
      {"who read this case", "查阅过该案件的人"},
      {"what this officer read", "该人员查阅过的案件"},
      {"reads on or after this date (YYYY-MM-DD, China)", "此日及以后的查阅（YYYY-MM-DD，北京时间）"},
      {"reads on or before this date", "此日及以前的查阅"},
      // Shell completion.
      {"bash or zsh", "bash 或 zsh"},
  };
  return *table;
}

std::string Collapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string_view> OptionDescriptionZh(std::string_view english) {
  const auto& table = Table();
  const auto it = table.find(Collapse(english));
  if (it == table.end()) return std::nullopt;
  return it->second;
}

}  // namespace zfcli
