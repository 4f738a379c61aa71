#!/usr/bin/env python3
"""The web console in a real browser: headless Chromium from Debian, driven
by Selenium from Debian (python3-selenium, chromium-driver), against
`zfcli serve` on the demo store (examples/shaxian/01..10).

    console_tests.py ZFCLI EXAMPLES_DIR ARTIFACT_DIR

Walks the flows of issue 19 in one browser session (one start of Chromium
and of the server keeps the whole run near 20 s) and saves a screenshot of
each page in ARTIFACT_DIR. Registered in ctest by tests/browser/CMakeLists.txt
as browser.console (label release_only). docs/console.md says why Selenium.
"""

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import FAILURES, Abort, check, fail, require  # noqa: E402
from store_cache import copy_of_imported  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ZFCLI = EXAMPLES = TMP = ARTIFACTS = None
PORT = None

TOKENS = {
    # A case reviewer of the justice bureau: reads every case (the demo's reader).
    "reviewer": ("SX-OF-0202", "case_reviewer", "sx-justice"),
    # A hearing officer of 高砂镇: reads only 高砂镇's cases.
    "gaosha": ("SX-OF-0134", "hearing_officer", "gaosha"),
    # An officer of the market bureau, who posts the live test's command.
    "officer": ("SX-OF-0032", "enforcement_officer", "sx-market"),
}
MARKUP = "<img src=x onerror=alert(1)>"
TIMEOUT_SCALE = float(os.environ.get("ZF_TEST_TIMEOUT_SCALE", "1"))


def zf(*args):
    p = subprocess.run([ZFCLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=TMP, timeout=120 * TIMEOUT_SCALE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def clue(case_id, township, party_name, at):
    return {"command": "register_clue", "command_id": "browser-" + case_id, "at": at,
            "actor": {"id": "SX-OF-0032", "role": "enforcement_officer", "unit": "sx-market"},
            "case_id": case_id,
            "data": {"source": "inspection", "channel": "online", "item_code": "MARKET-006",
                     "township": township, "description": "流动摊贩销售无合法来源证明商品",
                     "discovered_on": at[:10],
                     "party": {"id": "350427198000000999", "name": party_name,
                               "category": "natural_person"}}}


def make_store():
    """The demo store (a cached import), plus a party whose name is markup,
    imported as data from elsewhere would be."""
    sources = sorted(glob.glob(os.path.join(EXAMPLES, "[0-9][0-9]-*.jsonl")))

    def import_into(target):
        for f in sources:
            rc, _, err = zf("--db", target, "import", f)
            require(rc == 0, "importing %s exited %d: %s" % (f, rc, err))

    copy_of_imported(ZFCLI, sources, os.path.join(TMP, "db"), import_into)
    path = os.path.join(TMP, "markup.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps(clue("SX-T-XSS1", "qiujiang", MARKUP, "2023-06-01T09:00:00+08:00"),
                           ensure_ascii=False) + "\n")
    rc, _, err = zf("--db", "db", "import", path)
    require(rc == 0, "importing the markup party: %d %s" % (rc, err))


def start_server():
    config = {"tokens": [{"sha256": hashlib.sha256(("tok-" + k).encode()).hexdigest(),
                          "actor": {"id": v[0], "role": v[1], "unit": v[2]}}
                         for k, v in TOKENS.items()],
              "limits": {"io_threads": 2, "work_threads": 8}}
    with open(os.path.join(TMP, "config.json"), "w") as f:
        json.dump(config, f)
    proc = subprocess.Popen([ZFCLI, "--db", "db", "serve", "--config", "config.json", "--listen",
                             "127.0.0.1:0", "--access-log", "access.log"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP)
    line = proc.stdout.readline().decode()
    require("listening on" in line, "serve did not start: %r" % line)
    return proc, int(line.strip().rsplit(":", 1)[1])


def api(method, path, token, body=None):
    """(status, parsed body) of an API request, as a client other than the
    browser sends it."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (PORT, path), data=data,
                                 method=method,
                                 headers={"Authorization": "Bearer tok-" + token,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "{}")


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--lang=zh-CN", "--no-first-run"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    return driver


def no_sideways(p, what):
    """The page fits the window's width: no sideways scrolling."""
    over = p.d.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(over <= 0, "%s: %d px too wide for the window" % (what, over))


class Page(object):
    def __init__(self, driver):
        self.d = driver

    def wait(self, what, cond, timeout=10):
        try:
            return WebDriverWait(self.d, timeout * TIMEOUT_SCALE, poll_frequency=0.05).until(
                lambda d: cond(d))
        except TimeoutException:
            self.shot("timeout-" + what.replace(" ", "-")[:40])
            fail("timed out waiting for %s" % what)
            raise Abort()

    def css(self, selector):
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector, what=None):
        return self.wait(what or selector, lambda d: (d.find_elements(By.CSS_SELECTOR, selector)
                                                      or [None])[0])

    def go(self, hash_):
        self.d.get("http://127.0.0.1:%d/%s" % (PORT, hash_))

    def set_value(self, selector, value):
        """Sets an input's value as a person would and fires its events
        (a date input's typed form depends on the locale)."""
        self.d.execute_script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));"
            "e.dispatchEvent(new Event('change', {bubbles: true}));", selector, value)

    def shot(self, name):
        self.d.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def sign_in(self, token):
        self.go("")
        self.one("#token").send_keys("tok-" + token)
        self.one("#signin button[type=submit]").click()
        self.one("#me", "signed in")

    def sign_out(self):
        self.one("#signout").click()
        self.one("#token", "the sign-in form again")

    def no_alert(self, where):
        try:
            text = self.d.switch_to.alert.text
            fail("%s: an alert opened: %r" % (where, text))
        except NoAlertPresentException:
            pass


# --- Flows --------------------------------------------------------------------

def sign_in_flow(p):
    p.go("")
    p.one("#token", "the sign-in form")
    p.shot("01-sign-in")
    p.sign_in("reviewer")
    p.one("#docket-count", "the docket")
    states = {td.text for td in p.css("tr[data-case] td:nth-child(2)")}
    check(p.one("#f-open").is_selected() and states and "已结案" not in states,
          "the docket opens on the open cases: %r" % states)
    check("tok-" not in p.d.current_url, "the token is in the URL: %s" % p.d.current_url)
    stored = p.d.execute_script("return sessionStorage.getItem('zf.token')")
    check(stored == "tok-reviewer", "the token is kept in sessionStorage: %r" % stored)
    check(p.d.execute_script("return localStorage.getItem('zf.token')") is None,
          "the token is not in localStorage")
    check(p.d.execute_script("return document.cookie") == "", "no cookie")


def docket_flow(p):
    Select(p.one("#f-township")).select_by_value("gaosha")
    p.set_value("#f-as_of", "2023-12-31")
    if not p.one("#f-open").is_selected():
        p.one("#f-open").click()
    p.one("#apply").click()
    p.wait("the filtered docket", lambda d: "as_of=2023-12-31" in d.current_url and
           d.find_elements(By.CSS_SELECTOR, "tr[data-case]"))
    status, cases = api("GET", "/v1/cases?township=gaosha&open=true&as_of=2023-12-31", "reviewer")
    rows = p.css("tr[data-case]")
    check(len(rows) == len(cases) and len(cases) > 0,
          "the docket shows %d rows, the API lists %d" % (len(rows), len(cases)))
    townships = {r.find_elements(By.CSS_SELECTOR, "td")[3].text for r in rows}
    check(townships == {"高砂镇"}, "only 高砂镇's cases: %r" % townships)
    # Past their limit: highlighted, with why (the demo's T0049 was suspended).
    status, late = api("GET", "/v1/deadlines?township=gaosha&past_limit=true&as_of=2023-12-31",
                       "reviewer")
    late_ids = {d["case_id"] for d in late}
    shown_late = {r.get_attribute("data-case") for r in p.css("tr.late")}
    check(late_ids and late_ids <= shown_late,
          "past-limit cases highlighted: API %r, page %r" % (late_ids, shown_late))
    row = p.css('tr[data-case="%s"]' % sorted(late_ids)[0])
    check(row and "《中华人民共和国行政处罚法》第六十条" in row[0].text and "暂停计算" in row[0].text
          and "APL art." not in row[0].text, "the why of a past-limit case, in Chinese: %r"
          % (row and row[0].text))
    # The slider over days stands where the date picker put the docket.
    check(p.one("#docket-slider-value").text == "2023-12-31" and
          p.one("#docket-slider").get_attribute("aria-valuetext") == "2023-12-31",
          "the docket's slider at 2023-12-31: %r" % p.one("#docket-slider-value").text)
    no_sideways(p, "the docket at 1366x768")
    p.shot("02-docket-gaosha-2023-12-31")


def case_flow(p, names):
    # Open a case from the docket.
    p.go("#/docket?township=gaosha&item=ECO-002&open=false")
    p.one('tr[data-case="SX-2023-E0010"] a', "E0010 in the docket").click()
    p.one("#explanation section[data-section=discretion]", "the explanation")
    events = p.css("#timeline li.event")
    check(len(events) == 17, "17 events in the timeline: %d" % len(events))
    types = [e.get_attribute("data-type") for e in events]
    check("decision_made" in types, "the decision in the timeline: %r" % types)
    who = p.css('#timeline li[data-type="decision_made"] .who')[0].text
    name = names["officers"]["SX-OF-0053"]
    check(name in who and "SX-OF-0053" not in who, "who by name: %r (%s)" % (who, name))
    chain = p.css('#timeline li[data-type="decision_made"] .chain')[0].text
    check("✓" in chain, "the chain link shown: %r" % chain)
    rules = p.css('#timeline li[data-type="decision_made"] .rules')
    check(rules and "ECO-002 v1" in rules[0].text, "rule versions on the decision")
    text = p.one("#explanation").text
    for needle in ("120,000.00", "74,000.00", "146,000.00", "较重", "行政复议",
                   "《中华人民共和国行政处罚法》第二十二条", "沙生态环境罚〔2023〕4号",
                   "国务院办公厅关于2023年部分节假日安排的通知",
                   # The deadlines' legal bases in Chinese (basis_zh), not the
                   # English "APL art. 60".
                   "《中华人民共和国行政处罚法》第六十条",
                   # The recorded English notes in Chinese (name_zh, why_zh).
                   "主动供述行政机关尚未掌握的违法行为", "未认定该事实", "未记载违法行为发生日期"):
        check(needle in text, "the explanation says %r" % needle)
    for english in ("APL art.", "not established", "confessed_unknown_violation",
                    "the act date is not recorded"):
        check(english not in text, "no %r in the Chinese explanation: %r" % (english, text[-400:]))
    no_sideways(p, "the case at 1366x768")
    p.shot("03-case-SX-2023-E0010")
    # Time travel: the day before the decision.
    p.set_value("#as-of", "2023-02-28")
    p.one("#no-decision", "no decision before 2023-03-01")
    types = [e.get_attribute("data-type") for e in p.css("#timeline li.event")]
    check("decision_made" not in types and "re_examination_completed" in types,
          "the timeline on 2023-02-28: %r" % types)
    check(p.one("#case-state").text not in ("已结案", "已决定"),
          "the state before the decision: %r" % p.one("#case-state").text)
    p.shot("04-case-before-decision")
    p.one("#now").click()
    p.one("#explanation section[data-section=discretion]", "back to now")
    # Time travel by slider, with the keyboard: from "now", back over the
    # case's business dates to the last one before the decision.
    status, history = api("GET", "/v1/cases/SX-2023-E0010/history", "reviewer")
    dates = sorted({e["occurred_at"][:10] for e in history})
    decided = next(e["occurred_at"][:10] for e in history if e["type"] == "decision_made")
    before = max(i for i, d in enumerate(dates) if d < decided)
    slider = p.one("#case-slider", "the case's slider")
    check(slider.get_attribute("max") == str(len(dates)) and
          p.one("#case-slider-value").text == "当前", "the slider at now over %d dates" % len(dates))
    slider.send_keys(Keys.ARROW_LEFT * (len(dates) - before))
    p.wait("the slider's day", lambda d: "as_of=" + dates[before] in d.current_url)
    p.one("#no-decision", "no decision on %s" % dates[before])
    types = [e.get_attribute("data-type") for e in p.css("#timeline li.event")]
    check("decision_made" not in types and "120,000.00" not in p.one("#case-body").text,
          "the penalty is gone on %s: %r" % (dates[before], types))
    check(p.one("#case-slider-value").text == dates[before], "the slider shows its day")
    p.shot("04-case-slider-before-decision")
    p.one("#now").click()
    p.one("#explanation section[data-section=discretion]", "back to now")


def verify_and_dossier_flow(p, downloads):
    p.one("#verify").click()
    p.one("#verify-ok", "the case verifies")
    p.shot("05-case-verified")
    p.one("#dossier").click()
    path = os.path.join(downloads, "SX-2023-E0010.dossier.jsonl")
    p.wait("the dossier download", lambda d: os.path.exists(path) and os.path.getsize(path) > 0)
    time.sleep(0.2)
    rc, out, err = zf("dossier", "verify", path)
    check(rc == 0, "zfcli dossier verify of the download: exit %d %s %s" % (rc, out[-300:], err))
    p.one("#access").click()
    p.one("#access-table", "the access trail")
    check("案卷评查员" in p.one("#access-table").text, "the reviewer in the access trail")
    p.shot("06-case-access-trail")


def stats_flow(p):
    p.one("#nav-stats").click()
    eq = p.one("#cases-equation", "the statistics")
    check(eq.text == "452 = 428 + 24", "the seed's figures: %r" % eq.text)
    check(p.one("#delegated").text == "197", "197 delegated: %r" % p.one("#delegated").text)
    check("null" not in p.one("#stats-body").text, "no stray null on the statistics page")
    # The charts (Chart.js from Debian): the months add up to the period.
    p.one("#chart-inspect", "the charts")
    months = p.d.execute_script(
        "const c = Chart.getChart(document.getElementById('chart-months'));"
        "return [c.data.labels, c.data.datasets.map((d) => d.data)];")
    check(months[0] == ["2023-09", "2023-10", "2023-11", "2023-12"] and
          [sum(x) for x in months[1]] == [428, 24], "cases per month: %r" % months)
    delegated = p.d.execute_script(
        "return Chart.getChart(document.getElementById('chart-delegated')).data.datasets[0].data")
    check(delegated == [29, 197], "delegated a year before and now: %r" % delegated)
    tiles = p.css("#township-grid .tile")
    check(len(tiles) == 12, "12 townships in the grid: %d" % len(tiles))
    no_sideways(p, "the statistics at 1366x768")
    p.shot("07-statistics")
    # The year 2023: the four lists applied to enterprise cases, by list.
    p.set_value("#s-from", "2023-01-01")
    p.one("#stats-form button[type=submit]").click()
    p.wait("the 2023 statistics", lambda d: "from=2023-01-01" in d.current_url and
           d.find_elements(By.ID, "chart-lists"))
    lists = p.d.execute_script(
        "return Chart.getChart(document.getElementById('chart-lists')).data.datasets[0].data")
    check(sum(lists) == 75, "the four lists in 2023: %r (75)" % lists)
    p.shot("07-statistics-2023")
    # An area (over the seed's period: four months of bars to load): the
    # figures and the charts follow it.
    p.set_value("#s-from", "2023-09-10")
    Select(p.one("#s-area")).select_by_value("area-1")
    p.one("#stats-form button[type=submit]").click()
    p.wait("area-1's statistics", lambda d: "area=area-1" in d.current_url and
           d.find_elements(By.ID, "chart-lists"))
    status, area = api("GET", "/v1/statistics?from=2023-09-10&to=2023-12-31&area=area-1",
                       "reviewer")
    eq = p.one("#cases-equation").text
    check(status == 200 and eq == "%d = %d + %d" % (area["cases_total"], area["cases_online"],
                                                     area["cases_offline"])
          and area["cases_total"] < 452, "area-1's figures: %r, API %r" % (eq, area["cases_total"]))
    months = p.d.execute_script(
        "return Chart.getChart(document.getElementById('chart-months')).data.datasets"
        ".map((d) => d.data.reduce((a, b) => a + b, 0))")
    check(months == [area["cases_online"], area["cases_offline"]],
          "area-1's months add up to its figures: %r" % months)
    p.shot("07-statistics-area-1")


def live_flow(p):
    p.go("#/docket?township=qiujiang&open=true")
    p.one("#live[data-state=live]", "the live feed")
    before = len(p.css("tr[data-case]"))
    command = clue("SX-T-LIVE1", "qiujiang", "刘某某", "2024-01-02T09:00:00+08:00")
    del command["actor"]  # the token's
    status, body = api("POST", "/v1/commands", "officer", command)
    check(status == 201, "the command through the API: %d %r" % (status, body))
    posted = time.monotonic()
    p.wait("the new case on the open docket", lambda d: d.find_elements(
        By.CSS_SELECTOR, 'tr[data-case="SX-T-LIVE1"]'), timeout=2)
    seconds = time.monotonic() - posted
    check(seconds <= 2.0, "the new case appeared after %.2f s" % seconds)
    check(len(p.css("tr[data-case]")) == before + 1, "one more row")
    p.shot("08-docket-live")


def markup_flow(p):
    p.go("#/docket?party=%3Cimg")
    cell = p.one('tr[data-case="SX-T-XSS1"] td.party', "the markup party")
    check(cell.text == MARKUP, "the name shown as text: %r" % cell.text)
    check(p.css("img") == [], "no img element on the docket")
    p.css('tr[data-case="SX-T-XSS1"] a')[0].click()
    p.one("#case-party", "its case")
    check(p.one("#case-party").text == MARKUP, "the name on the case page")
    time.sleep(0.3)
    check(p.css("img") == [], "no img element on the case page")
    p.no_alert("the markup party")
    p.shot("09-markup-party")
    # The open case follows the feed too: a new event of it shows by itself.
    p.one("#case-title[data-live=live]", "the case page's live feed")
    before = len(p.css("#timeline li.event"))
    status, body = api("POST", "/v1/commands", "officer",
                       {"command": "route_clue", "command_id": "browser-route-xss1",
                        "at": "2023-06-01T10:00:00+08:00", "case_id": "SX-T-XSS1", "data": {}})
    check(status == 201, "route_clue through the API: %d %r" % (status, body))
    posted = time.monotonic()
    p.wait("the new event on the open case", lambda d: len(d.find_elements(
        By.CSS_SELECTOR, "#timeline li.event")) == before + 1, timeout=2)
    check(time.monotonic() - posted <= 2.0, "the case updated within 2 s")
    check(p.one("#case-party").text == MARKUP and p.css("img") == [], "still inert after the update")


def township_flow(p):
    p.sign_out()
    p.sign_in("gaosha")
    status, other = api("GET", "/v1/cases?township=qiujiang", "reviewer")
    case_id = next(c["case_id"] for c in other if c["handling_subject"] != "gaosha")
    status, body = api("GET", "/v1/cases/" + case_id, "gaosha")
    check(status == 403 and body.get("error") == "outside_township",
          "the API refuses gaosha %s: %d %r" % (case_id, status, body))
    p.go("#/case/" + case_id)
    box = p.one('.error[data-error="outside_township"]', "the refusal on the page")
    check("高砂镇" in box.text and "只能查看本乡镇" in box.text, "the page says why: %r" % box.text)
    check(p.css("#timeline") == [], "nothing of the case shown")
    p.shot("10-township-refused")
    p.go("#/docket")
    p.one("#docket-count", "gaosha's docket")
    townships = {r.find_elements(By.CSS_SELECTOR, "td")[3].text for r in p.css("tr[data-case]")}
    check(townships == {"高砂镇"}, "gaosha's token lists gaosha's cases: %r" % townships)
    options = [o.get_attribute("value") for o in p.css("#f-township option")]
    check(options == ["", "gaosha"], "gaosha's township filter offers only gaosha: %r" % options)
    # Its statistics are 高砂镇's, unasked.
    p.go("#/stats")
    p.one("#stats-limited", "gaosha's statistics")
    status, own = api("GET", "/v1/statistics?from=2023-09-10&to=2023-12-31&township=gaosha",
                      "reviewer")
    eq = p.one("#cases-equation").text
    check(eq == "%d = %d + %d" % (own["cases_total"], own["cases_online"], own["cases_offline"])
          and own["cases_total"] < 452, "gaosha's statistics: %r (API %d)" % (eq, own["cases_total"]))
    status, body = api("GET", "/v1/statistics?from=2023-09-10&to=2023-12-31&township=qiujiang",
                       "gaosha")
    check(status == 403 and body.get("error") == "outside_township",
          "gaosha asks for qiujiang's statistics: %d %r" % (status, body))
    p.shot("10-township-statistics")


def language_and_layout_flow(p):
    p.go("#/case/SX-2023-E0010")
    p.sign_out()
    p.sign_in("reviewer")
    p.go("#/case/SX-2023-E0010")
    p.one("#explanation section[data-section=discretion]", "the case again")
    p.one("#lang").click()
    p.wait("English", lambda d: d.find_element(By.ID, "nav-docket").text == "Cases")
    p.one("#explanation section[data-section=discretion]", "the case in English")
    check("Discretion" in p.one("#explanation").text, "the explanation's headings in English")
    check("APL art. 60" in p.one("#explanation").text, "the deadline basis in English")
    check("not established" in p.one("#explanation").text, "the condition notes in English")
    p.shot("11-case-english")
    p.one("#lang").click()
    p.wait("Chinese", lambda d: d.find_element(By.ID, "nav-docket").text == "案件")
    # The office screen (1366x768) was checked on each page above; now a tablet.
    p.d.set_window_size(768, 1024)
    for page, hash_, ready in (("case", "#/case/SX-2023-E0010",
                                "#explanation section[data-section=discretion]"),
                               ("docket", "#/docket", "#docket-count"),
                               ("statistics", "#/stats", "#chart-inspect")):
        p.go(hash_)
        p.one(ready, "the %s page on a tablet" % page)
        no_sideways(p, page + " on a tablet")
        p.shot("12-%s-tablet-768x1024" % page)
    p.d.set_window_size(1366, 768)


def csp_clean(driver):
    """No CSP violation and no script error in the browser's console."""
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "Content Security Policy" in message or "Uncaught" in message:
            fail("browser console: %s" % message[:300])


def main(argv):
    global ZFCLI, EXAMPLES, TMP, ARTIFACTS, PORT
    ZFCLI, EXAMPLES, ARTIFACTS = (os.path.abspath(a) for a in argv[1:4])
    os.makedirs(ARTIFACTS, exist_ok=True)
    for old in glob.glob(os.path.join(ARTIFACTS, "*.png")):
        os.remove(old)
    TMP = tempfile.mkdtemp(prefix="zf-browser-")
    started = time.monotonic()
    server = driver = None
    try:
        make_store()
        server, PORT = start_server()
        status, names = api("GET", "/v1/names", "reviewer")
        require(status == 200, "names: %d" % status)
        downloads = os.path.join(TMP, "downloads")
        os.makedirs(downloads)
        driver = browser(downloads)
        p = Page(driver)
        print("setup (store, server, browser): %.1f s" % (time.monotonic() - started))
        flows = (("sign in", sign_in_flow), ("docket", docket_flow),
                 ("case", lambda p: case_flow(p, names)),
                 ("verify and dossier", lambda p: verify_and_dossier_flow(p, downloads)),
                 ("statistics", stats_flow), ("live docket", live_flow),
                 ("markup party and live case", markup_flow), ("township token", township_flow),
                 ("language and layout", language_and_layout_flow))
        for name, flow in flows:
            begun = time.monotonic()
            flow(p)
            csp_clean(driver)
            print("%s: %.1f s" % (name, time.monotonic() - begun))
    except Abort:
        pass
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if FAILURES and os.path.exists(os.path.join(TMP, "access.log")):
            with open(os.path.join(TMP, "access.log")) as f:
                print("access log (tail):\n" + "".join(f.readlines()[-10:]))
        shutil.rmtree(TMP, ignore_errors=True)
    for f in FAILURES:
        print("FAIL: " + f)
    print("browser.console: %s in %.1f s; screenshots in %s"
          % ("FAIL" if FAILURES else "ok", time.monotonic() - started, ARTIFACTS))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
