// server.openapi_client: a client generated from docs/openapi.yaml drives a
// server on the sample store (tests/server/server_tests.py,
// test_openapi_client, generates ./zf-api.d.ts with openapi-typescript,
// type-checks this file against it with tsc --strict, and runs it with
// Node). The types come only from the spec: a field this test reads that
// the spec does not promise fails the type check, an answer that differs
// fails the run.
//
//   node client_test.mjs BASE_URL TOKEN CASE_ID
import createClient from "openapi-fetch";
import type { components, paths } from "./zf-api.js";

type Schemas = components["schemas"];
// Node's own, without @types/node (lib DOM has console and fetch).
declare const process: { argv: string[]; exit(code: number): never };

const [baseUrl, token, caseId] = process.argv.slice(2);
if (!baseUrl || !token || !caseId) {
  console.error("usage: client_test.mjs BASE_URL TOKEN CASE_ID");
  process.exit(2);
}

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

const zf = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

// A command: a clue registered through the generated client.
const command: Schemas["Command"] = {
  command: "register_clue",
  command_id: `client-${caseId}`,
  at: "2023-01-09T09:00:00+08:00",
  case_id: caseId,
  data: {
    source: "inspection",
    channel: "online",
    item_code: "MARKET-006",
    township: "qiujiang",
    description: "流动摊贩销售无合法来源证明商品",
    discovered_on: "2023-01-09",
    party: { id: "350427198000000130", name: "刘某某", category: "natural_person" },
  },
};
const posted = await zf.POST("/v1/commands", { body: command });
check(posted.response.status === 201, `the command: HTTP ${posted.response.status}`);
const applied = posted.data;
if (applied !== undefined && "outcome" in applied) {
  check(applied.outcome === "applied", `outcome ${applied.outcome}`);
  check(applied.stream === `case/${caseId}`, `stream ${applied.stream}`);
  check(applied.events.includes("clue_registered"), `events ${applied.events.join(",")}`);
  check(applied.last_position >= applied.first_position, "positions");
} else {
  check(false, `the command's answer: ${JSON.stringify(posted.data ?? posted.error)}`);
}

// The same case again under another id: rejected by a rule, with its
// Chinese message and citation.
const again = await zf.POST("/v1/commands", {
  body: { ...command, command_id: `client-${caseId}-again` },
});
check(again.response.status === 422, `the repeat: HTTP ${again.response.status}`);
const refusal = again.error;
if (refusal !== undefined && "outcome" in refusal) {
  check(refusal.code === "case_exists", `rejection code ${refusal.code}`);
  check(refusal.message_zh.length > 0 && refusal.citation.zh.length > 0, "message_zh, citation");
} else {
  check(false, `the repeat's answer: ${JSON.stringify(again.error ?? again.data)}`);
}

// The case.
const view = await zf.GET("/v1/cases/{id}", { params: { path: { id: caseId } } });
check(view.response.status === 200, `the case: HTTP ${view.response.status}`);
const c: Schemas["CaseView"] | undefined = view.data;
check(c?.case_id === caseId && c.state === "registered" && c.open, `the case ${JSON.stringify(c)}`);
check(c?.timeline[0]?.type === "clue_registered", "the case's timeline");
check(c?.party?.category === "natural_person", "the case's party");

const missing = await zf.GET("/v1/cases/{id}", { params: { path: { id: "SX-NO-SUCH" } } });
check(missing.response.status === 404 && missing.error?.error === "not_found",
      `no such case: ${JSON.stringify(missing.error)}`);

// The docket of its township.
const docket = await zf.GET("/v1/cases", {
  params: { query: { township: "qiujiang", open: true } },
});
check(docket.response.status === 200, `the docket: HTTP ${docket.response.status}`);
const line = docket.data?.find((l) => l.case_id === caseId);
check(line !== undefined && line.township === "qiujiang" && line.open && line.filed_on === "",
      `the docket's line ${JSON.stringify(line)}`);

// The statistics of 2023.
const stats = await zf.GET("/v1/statistics", {
  params: { query: { from: "2023-01-01", to: "2023-12-31" } },
});
check(stats.response.status === 200, `statistics: HTTP ${stats.response.status}`);
const s: Schemas["Statistics"] | undefined = stats.data;
check(s !== undefined && s.from === "2023-01-01" && s.cases_total > 0 &&
        s.cases_total === s.cases_online + s.cases_offline,
      `statistics ${JSON.stringify(s)}`);
const rate: number | null | undefined = s?.inspection_reduction_rate;
check(typeof rate === "number" && rate > 0 && rate < 1, `inspection_reduction_rate ${rate}`);

for (const f of failures) console.log(`FAIL: ${f}`);
console.log(`client_test: ${failures.length ? "FAIL" : "ok"}`);
process.exit(failures.length ? 1 : 0);
