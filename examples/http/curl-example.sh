#!/bin/sh
# The zf HTTP API with curl (docs/api.md). Start a server first, e.g.
#   for f in examples/shaxian/0[1-6]-*.jsonl; do zfcli --db ./zf-data import "$f"; done
#   zfcli serve --hash-token "$ZF_TOKEN"        # -> the digest for the config
#   zfcli --db ./zf-data serve --config serve.json --listen 127.0.0.1:8080
# with serve.json:
#   {"tokens": [{"sha256": "<digest>", "actor": {"id": "SX-OF-0032",
#     "role": "enforcement_officer", "unit": "sx-market"}}]}
set -eu
ZF_URL=${ZF_URL:-http://127.0.0.1:8080}
ZF_TOKEN=${ZF_TOKEN:?set ZF_TOKEN to a bearer token from the config}
auth="Authorization: Bearer $ZF_TOKEN"

echo "# liveness"
curl -sS "$ZF_URL/v1/health"; echo

echo "# one command (the actor is filled in from the token); 201 applied, 200 when repeated"
curl -sS -w ' -> %{http_code}\n' -H "$auth" -H 'Content-Type: application/json' \
  -X POST "$ZF_URL/v1/commands" --data-binary @- <<'JSON'
{"command":"register_clue","command_id":"curl-example-1","at":"2023-01-09T09:00:00+08:00",
 "case_id":"SX-CURL-0001","data":{"source":"inspection","channel":"online",
 "item_code":"MARKET-006","township":"qiujiang","description":"流动摊贩销售无合法来源证明商品",
 "discovered_on":"2023-01-09","party":{"id":"350427198000000130","name":"刘某某",
 "category":"natural_person"}}}
JSON

echo "# the case, now and as of the day before"
curl -sS -w ' -> %{http_code}\n' -H "$auth" "$ZF_URL/v1/cases/SX-CURL-0001"
curl -sS -w ' -> %{http_code}\n' -H "$auth" "$ZF_URL/v1/cases/SX-CURL-0001?as_of=2023-01-08"

echo "# the docket of a township, and who is competent"
curl -sS -H "$auth" "$ZF_URL/v1/cases?township=qiujiang&open=true"; echo
curl -sS -H "$auth" "$ZF_URL/v1/rules/competent?item=MARKET-006&township=qiujiang&as_of=2023-06-01"; echo

echo "# the first events, then 3 seconds of the live feed of what commits next"
curl -sS -H "$auth" "$ZF_URL/v1/events?from=1&limit=2&prefix=case/"; echo
curl -sS -N -m 3 -H "$auth" "$ZF_URL/v1/events/stream?from=end&prefix=case/" || true
