#!/usr/bin/env python3
"""Writes a year of Shaxian cases on top of the sample reference data:

  07-cases-2022.jsonl   December 2022: the non-tax revenue codes fines are
                        paid under (APL art. 67), the first township cases on
                        delegated items (the prior-year figure of docs/domain.md, Statistics)
                        and on-the-spot fines of the market bureau
  08-cases-2023.jsonl   2023: township cases on delegated items (from their
                        own inspections, grid reports dispatched to the
                        brigade, clues transferred by the urban bureau and
                        joint actions of the area chiefs), enterprise cases
                        (four lists applied, soft measures, ordinary
                        penalties, a few with a hearing and legal review),
                        on-the-spot fines; decisions served, fines paid,
                        cases closed, recent ones still open
  09-inspect-once-2023.jsonl
                        inspect once (综合查一次): 7 scenarios and one
                        combined visit to each of 271 enterprises

Every line is a real command through the ordinary import path; the files
import with exit 0 in sorted order after 01..06:
  for f in examples/shaxian/0*.jsonl; do zfcli --db DIR import "$f"; done

Agencies act on working days (01-calendar.jsonl); the steps of a case keep
the statutory periods (statement and hearing request, hearing notice D8).
Deterministic: a seeded random.Random and no clock; re-running it
reproduces the files byte for byte.
  python3 examples/shaxian/gen/make_cases.py

The statistics reproduce the seed's figures (docs/domain.md, "Statistics", "Leniency: the four lists", "Joint enforcement"):
  10 Sep - 31 Dec 2023: 452 cases = 428 online + 24 offline; 197 township
    cases on delegated items against 29 in 10 Sep - 31 Dec 2022 (+579%).
  2023: 137 enterprise-related cases, 75 with the four lists: 6 no penalty
    (ECO-003, SX-NP-015, decision no_penalty), 15 mitigated (SAFE-001,
    SX-MP-001: a warning instead of the fine), 22 lighter (SAFE-001,
    SX-LP-001: a fine in the 30 % band), 9 compliance reminder letters and
    23 correction notices (soft measures at the clue stage, never filed).
  Inspect once 2023: 271 enterprises, one combined visit each; a visit
    covering n departments replaces n separate visits, so it saves n - 1:
    153 visits on 4-department scenarios and 118 on 3-department ones save
    695, and 695 / (271 + 695) = 71.9 %.
  93 officers in 113 area assignments come from 02-org.jsonl.

How a case is dated (lib/src/projection/statistics.cc): by its filing, its
on-the-spot decision, or its first soft measure. Cases filed late in a
period may still be open at its end: realistic, and the counts do not
depend on it.

FIXTURE: parties, places, amounts and document numbers are invented.
"""
import json
import os
import random
import re
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SEED = 20231231
SM3 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
ADMIN = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}

SURNAMES = "陈林黄张李王吴刘蔡杨郑许罗谢邱詹邓罗肖游"
SHOPS = ["机械制造", "竹木加工", "食品", "化工", "纺织", "建材", "小吃", "物流", "家具", "茶业",
         "印刷", "五金", "塑料制品", "汽车修理", "农资", "电子", "木业", "酒店", "餐饮管理", "药业"]


def load(name):
    with open(os.path.join(OUT, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def department_short(name):
    """A department's short name for document numbers, from its registered
    name: the city and district and the final 局 dropped
    (三明市沙县区应急管理局 -> 应急管理, 三明市沙县生态环境局 -> 生态环境)."""
    short = re.sub(r"^[^市]*市", "", name)
    short = re.sub(r"^[^区县]+?[区县]区?", "", short)
    return re.sub(r"局$", "", short) or name


def township_short(name):
    """A township's short name: 高砂镇 -> 高砂, 凤岗街道 -> 凤岗."""
    return re.sub(r"(街道|镇|乡)$", "", name) or name


class Org:
    """Officers and competence read from 02-org and 03-powers (or from the
    given command lists: make_province.py passes a district's)."""

    def __init__(self, org=None, powers=None):
        org = org if org is not None else load("02-org.jsonl")
        powers = powers if powers is not None else load("03-powers.jsonl")
        self.units = {}
        self.roles = {}
        self.areas = {}
        for c in org:
            if c["command"] == "register_officer":
                d = c["data"]
                self.units.setdefault(d["agency"], []).append((d["officer_id"], d["roles"]))
                self.roles[d["officer_id"]] = (d["agency"], d["roles"])
            if c["command"] == "register_enforcement_area":
                d = c["data"]
                self.areas[d["area_id"]] = (d["area_chief"], d["townships"])
        issued, revoked = {}, set()
        for c in org:
            if c["command"] == "issue_credential":
                issued[c["data"]["credential_number"]] = c["data"]["officer"]
            if c["command"] == "revoke_credential":
                revoked.add(c["data"]["credential_number"])
        # Officers none of whose credentials was revoked (SX-OF-0117 of
        # huyuan lost hers on 2023-03-01). An officer whose first credential
        # expired unrevoked and whose second was revoked holds none after
        # the revocation: counting the first made a province's cases pick
        # such officers as handlers after that day.
        lost = {issued[n] for n in revoked if n in issued}
        self.credentialed = {o for o in issued.values() if o not in lost}
        accepted, claimed = {}, {}
        for c in powers:
            d = c["data"]
            if c["command"] == "confirm_delegation":
                accepted[d["township"]] = set(d["accepted_item_codes"])
            if c["command"] == "claim_item":
                claimed.setdefault(d["subject_id"], set()).update(d["item_codes"])
        self.delegated = {t: accepted[t] & claimed.get(t, set()) for t in accepted}
        # Micro grids by township, through their parents.
        parent, township_of = {}, {}
        for c in org:
            if c["command"] == "register_grid_node":
                d = c["data"]
                parent[d["node_id"]] = d.get("parent")
                if d.get("township"):
                    township_of[d["node_id"]] = d["township"]
                if d["level"] == "micro_grid":
                    township_of.setdefault(d["node_id"], None)
        self.micro_grids = {}
        for node in sorted(n for n, t in township_of.items() if t is None):
            up = node
            while up is not None and township_of.get(up) is None:
                up = parent.get(up)
            if up is not None:
                self.micro_grids.setdefault(township_of[up], []).append(node)
        self.townships = sorted(accepted)
        self.short_names = {}
        self.names = {}  # township id -> its Chinese name (高砂镇), for titles
        for c in org:
            if c["command"] == "register_department":
                # The registered short name (short_name) when the org data
                # has one, else one derived from the name.
                self.short_names[c["data"]["department_id"]] = (
                    c["data"].get("short_name") or department_short(c["data"]["name"]))
            if c["command"] == "register_township":
                self.names[c["data"]["township_id"]] = c["data"]["name"]
                self.short_names[c["data"]["township_id"]] = (
                    c["data"].get("short_name") or township_short(c["data"]["name"]))

    def area_chiefs(self):
        """area id -> (area chief, the chief's department, the area's townships)."""
        return {a: (chief, self.roles[chief][0], townships)
                for a, (chief, townships) in sorted(self.areas.items())}

    def grid_team(self, township):
        """The grid worker, the dispatcher and the brigade captain who turn a
        grid report in `township` into a case."""
        worker = next(o for o, r in self.units[township] if "grid_worker" in r)
        dispatcher = next((o, unit) for unit, officers in self.units.items()
                          for o, r in officers if "dispatcher" in r)
        captain = next(o for o, r in self.units[township] if "brigade_captain" in r)
        return ({"id": worker, "role": "grid_worker", "unit": township},
                {"id": dispatcher[0], "role": "dispatcher", "unit": dispatcher[1]},
                {"id": captain, "role": "brigade_captain", "unit": f"{township}-brigade"})

    def with_role(self, unit, role):
        return [o for o, roles in self.units[unit] if role in roles]

    def team(self, unit):
        """handlers (two officers), head, reviewer, hearing officer."""
        officers = [o for o, roles in self.units[unit]
                    if "enforcement_officer" in roles and "legal_reviewer" not in roles
                    and o in self.credentialed]
        return {
            "handlers": officers[:2] if unit in self.delegated else officers[2:4],
            "head": self.with_role(unit, "agency_head")[0],
            "reviewer": [o for o, r in self.units[unit] if "case_reviewer" in r][-1],
            "legal": ([o for o, r in self.units[unit] if "legal_reviewer" in r] or [None])[-1],
            "hearing": ([o for o, r in self.units[unit] if "hearing_officer" in r] or [None])[0],
        }


class Calendar:
    """Working days from 01-calendar.jsonl: agencies act on working days."""

    def __init__(self, commands=None):
        self.holidays, self.makeup = set(), set()
        for c in commands if commands is not None else load("01-calendar.jsonl"):
            self.holidays.update(date.fromisoformat(d) for d in c["data"]["holidays"])
            self.makeup.update(date.fromisoformat(d) for d in c["data"].get("makeup_workdays", []))

    def working(self, d):
        return d in self.makeup or (d.weekday() < 5 and d not in self.holidays)

    def on_or_after(self, d):
        while not self.working(d):
            d += timedelta(days=1)
        return d

    def add(self, d, n):
        """The n-th working day after d."""
        for _ in range(n):
            d = self.on_or_after(d + timedelta(days=1))
        return d


def tail(case_id):
    """A case id without its district prefix: SX-2023-T0001 -> 2023-T0001."""
    return case_id.split("-", 1)[1]


def at(day, hour, minute=0):
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


class Writer:
    def __init__(self):
        self.files = {}

    def sorted_lines(self, fname, id_prefix=None):
        """The lines of one file in time order, numbered; then forgotten."""
        lines = self.files.pop(fname, [])
        # One log in time order; stable for equal times (a case's steps
        # never share a time).
        lines.sort(key=lambda l: l["at"])
        for i, line in enumerate(lines, 1):
            line["command_id"] = f"{id_prefix or fname[:2]}-{i:05d}"
        return lines

    def add(self, fname, command, when, actor, data, **target):
        line = {"command": command, "command_id": None, "at": when, "actor": actor}
        line.update(target)
        line["data"] = data
        self.files.setdefault(fname, []).append(line)

    def write(self):
        for fname in list(self.files):
            lines = self.sorted_lines(fname)
            with open(os.path.join(OUT, fname), "w", encoding="utf-8") as f:
                for line in lines:
                    f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


class Generator:
    # How a district spells its ids and documents (make_province.py sets its own).
    CASE_PREFIX = "SX"       # case ids SX-2023-T0001
    REGION_CODE = "350427"   # in party ids (行政区划代码 of 沙县区)
    PLACE = "沙县"            # in enterprise names
    SHORT = "沙"              # first character of document numbers
    # The unit in a decision's document number: the unit's short Chinese name
    # from the org data (沙生态环境罚〔2023〕4号, 沙高砂罚…): its registered
    # short_name, else derived from its name (department_short, township_short). The sample was first
    # generated with the first two letters of the unit id (沙sx罚〔2023〕4号,
    # issue 18); True brings that back.
    DOCNO_UNIT_FROM_ID = False
    # Cases found after this day are still open at the year's end.
    STILL_OPEN_AFTER = date(2023, 12, 10)

    def __init__(self, seed=SEED, org=None, cal=None):
        self.rng = random.Random(seed)
        self.org = org or Org()
        self.cal = cal or Calendar()
        self.w = Writer()
        self.serial = {}
        self.parties = 0
        self.AREAS = self.org.area_chiefs()

    # --- parties and ids -------------------------------------------------
    def person(self):
        self.parties += 1
        name = self.rng.choice(SURNAMES) + "某" + ("" if self.rng.random() < 0.6 else "某")
        return {"id": f"{self.REGION_CODE}19{70 + self.parties % 30:02d}{self.parties:08d}",
                "name": name, "category": "natural_person"}

    def enterprise(self, category="organisation"):
        self.parties += 1
        shop = self.rng.choice(SHOPS)
        if category == "organisation":
            return {"id": f"91{self.REGION_CODE}MA{self.parties:07d}X", "name": f"{self.PLACE}某{shop}有限公司",
                    "category": "organisation"}
        return {"id": f"92{self.REGION_CODE}MA{self.parties:07d}Y", "name": f"{self.PLACE}{shop}店（个体工商户）",
                "category": "individual_business"}

    def serial_next(self, key):
        self.serial[key] = self.serial.get(key, 0) + 1
        return self.serial[key]

    def case_id(self, year, kind):
        key = (year, kind)
        self.serial[key] = self.serial.get(key, 0) + 1
        return f"{self.CASE_PREFIX}-{year}-{kind}{self.serial[key]:04d}"

    def docno_unit(self, unit):
        return unit[:2] if self.DOCNO_UNIT_FROM_ID else self.org.short_names[unit]

    def docno(self, prefix, year):
        prefix = self.SHORT + prefix[1:]
        key = (prefix, year)
        self.serial[key] = self.serial.get(key, 0) + 1
        return f"{prefix}〔{year}〕{self.serial[key]}号"

    # --- building blocks -------------------------------------------------
    def actor(self, unit, officer):
        return {"id": officer, "role": "enforcement_officer", "unit": unit}

    def register(self, f, cid, day, unit, officer, item, township, party, description,
                 source="inspection", channel="online"):
        data = {"source": source, "channel": channel, "item_code": item, "township": township,
                "description": description, "discovered_on": day.isoformat(), "party": party}
        self.w.add(f, "register_clue", at(day, 9), self.actor(unit, officer), data, case_id=cid)

    def stall(self, f, cid, filed, unit, stage):
        """A case left undecided stays lawful (APL art. 60): before its 90
        days run out, the investigation is suspended with the head's
        approval (O4) or, after the pre-decision notice, an appraisal
        period is excluded from the clock. Dated 60 days after filing, so
        a case of the year's last weeks still shows its stage at year end.
        No random draws: the rest of the history stays as it was."""
        t = self.org.team(unit)
        a = self.actor(unit, t["handlers"][0])
        d = self.cal.on_or_after(filed + timedelta(days=60))
        if stage == "notice":
            self.w.add(f, "pause_clock", at(d, 9), a,
                       {"reason": "appraisal", "note": "当事人陈述申辩对涉案物品价值提出异议，已委托鉴定"},
                       case_id=cid)
            return
        if stage == "filed":
            self.w.add(f, "start_investigation", at(d, 9), a, {}, case_id=cid)
        self.w.add(f, "suspend_investigation", at(d, 10), a,
                   {"reason": "当事人下落不明，案件暂时无法调查", "approved_by": t["head"]},
                   case_id=cid)

    def ordinary(self, f, cid, day, unit, item, township, party, description, proposal,
                 decision_extra=None, stop_after=None, hearing=False, channel="online",
                 source="inspection", registered=False):
        """register_clue -> file_case -> ... -> close_case (or stop early).
        With `registered`, the clue was registered (and routed, transferred
        or verified) on `day` by the caller."""
        t = self.org.team(unit)
        a = self.actor(unit, t["handlers"][0])
        year = day.year
        if not registered:
            self.register(f, cid, day, unit, t["handlers"][0], item, township, party,
                          description, source=source, channel=channel)
        wd = self.cal.add
        d = wd(day, 1)
        self.w.add(f, "file_case", at(d, 9), a,
                   {"handlers": t["handlers"], "approved_by": t["head"]}, case_id=cid)
        if stop_after == "filed":
            self.stall(f, cid, wd(day, 1), unit, "filed")
            return
        self.w.add(f, "start_investigation", at(d, 10), a, {}, case_id=cid)
        self.w.add(f, "record_evidence", at(wd(d, 1), 10), a,
                   {"evidence_id": f"EV-{tail(cid)}-1", "category": "on_site_transcript",
                    "officers": t["handlers"], "place": "当事人经营场所",
                    "description": "现场检查笔录",
                    "attachments": [{"name": f"EV-{tail(cid)}-1.pdf", "sm3": SM3}],
                    "party_signed": True}, case_id=cid)
        if stop_after == "investigating":
            self.stall(f, cid, wd(day, 1), unit, "investigating")
            return
        no_penalty = proposal.get("outcome") == "no_penalty"
        conclude = dict(proposal)
        conclude["report"] = {"facts": "经查，" + description + "，事实清楚。",
                              "reasoning": "证据确凿，依法作出处理。"}
        d = wd(day, 4)
        self.w.add(f, "conclude_investigation", at(d, 10), a, conclude, case_id=cid)
        decision = {k: v for k, v in proposal.items() if k != "outcome"}
        decision["decision_type"] = "no_penalty" if no_penalty else "penalty"
        decision["facts_and_evidence"] = "现场检查笔录等证据证明：" + description + "。"
        decision["legal_basis"] = "依据有关法律、法规规定"
        decision.update(decision_extra or {})
        decision.setdefault("correction_order", {"content": "立即改正违法行为",
                                                 "due_on": (day + timedelta(days=30)).isoformat()})
        if no_penalty:
            d = wd(d, 1)
        else:
            self.w.add(f, "submit_case_review", at(wd(d, 1), 9),
                       {"id": t["reviewer"], "role": "case_reviewer", "unit": unit},
                       {"result": "pass", "opinion": "事实清楚，证据充分，同意"}, case_id=cid)
            d = wd(d, 2)
            self.w.add(f, "serve_pre_decision_notice", at(d, 9), a, {"method": "direct"},
                       case_id=cid)
            if stop_after == "notice":
                self.stall(f, cid, wd(day, 1), unit, "notice")
                return
            if hearing:
                self.w.add(f, "request_hearing", at(wd(d, 2), 9), a,
                           {"requested_by": party["name"]}, case_id=cid)
                hearing_on = wd(d, 13)  # 9 working days after the hearing notice
                self.w.add(f, "serve_hearing_notice", at(wd(d, 3), 9), a,
                           {"hearing_on": hearing_on.isoformat(),
                            "presiding_officer": t["hearing"], "place": "听证室",
                            "public": True}, case_id=cid)
                self.w.add(f, "hold_hearing", at(hearing_on, 9), a,
                           {"transcript_signed": True, "public": True,
                            "summary": "当事人到场陈述申辩"}, case_id=cid)
                self.w.add(f, "legal_review", at(wd(hearing_on, 2), 9),
                           {"id": t["legal"], "role": "legal_reviewer", "unit": unit},
                           {"result": "pass", "opinion": "程序合法，适用法律正确"}, case_id=cid)
                d = wd(hearing_on, 3)
            else:
                d = wd(d, 12)  # after the statement and hearing-request periods
            self.w.add(f, "re_examine", at(d, 9), a,
                       {"considered": "当事人未提出陈述申辩" if not hearing else "听证意见已复核"},
                       case_id=cid)
            d = wd(d, 1)
        unit_part = "沙" + self.docno_unit(unit)
        decision["document_number"] = self.docno(unit_part + ("不罚" if no_penalty else "罚"), year)
        self.w.add(f, "make_decision", at(d, 10), a, decision, case_id=cid)
        if stop_after == "decided":
            return
        d = wd(d, 1)
        self.w.add(f, "serve_decision", at(d, 10), a,
                   {"method": "direct", "served_on": d.isoformat(), "receiver": party["name"]},
                   case_id=cid)
        fine = proposal.get("fine_fen", 0)
        if fine > 0:
            self.w.add(f, "issue_payment_notice", at(d, 11), a,
                       {"notice_number": f"{self.SHORT}缴{tail(cid)}"}, case_id=cid)
            if stop_after == "served":
                return
            paid = d + timedelta(days=self.rng.randint(3, 12))
            d = self.cal.on_or_after(paid)  # recorded on the next working day
            self.w.add(f, "record_payment", at(d, 15), a,
                       {"paid_on": paid.isoformat(), "amount_fen": fine, "channel": "e_payment"},
                       case_id=cid)
        d = wd(d, 1)
        ground = "performed" if fine > 0 or not no_penalty else "no_penalty_served"
        if ground == "no_penalty_served" and "correction_order" in decision:
            # 整改复查: closing a no-penalty case that ordered correction needs it confirmed.
            self.w.add(f, "record_correction_check", at(d, 9), a,
                       {"checked_on": d.isoformat(), "officers": t["handlers"][:2],
                        "result": "corrected", "record": "复查：违法行为已改正"}, case_id=cid)
        self.w.add(f, "close_case", at(d, 10), a,
                   {"ground": ground, "approved_by": t["head"]}, case_id=cid)

    def on_spot(self, f, cid, day, channel="online"):
        """A market-bureau on-the-spot fine of 200 yuan (MARKET-006)."""
        unit = "sx-market"
        t = self.org.team(unit)
        a = self.actor(unit, t["handlers"][0])
        township = self.rng.choice(self.org.townships)
        party = self.person()
        self.register(f, cid, day, unit, t["handlers"][0], "MARKET-006", township, party,
                      "流动摊贩销售无合法来源证明商品", channel=channel)
        self.w.add(f, "issue_on_spot_decision", at(day, 10), a,
                   {"document_number": self.docno("沙市监当罚", day.year),
                    "officers": t["handlers"], "credentials_shown": True,
                    "statement_heard": True, "penalty_types": ["fine"], "fine_fen": 20000,
                    "delivery": "on_spot", "circumstance_level": "general",
                    "adjustment": "general"}, case_id=cid)
        self.w.add(f, "issue_payment_notice", at(day, 11), a,
                   {"notice_number": f"{self.SHORT}市监缴{tail(cid)}"}, case_id=cid)
        paid = day + timedelta(days=self.rng.randint(1, 10))
        self.w.add(f, "record_payment", at(self.cal.on_or_after(paid), 15), a,
                   {"paid_on": paid.isoformat(), "amount_fen": 20000, "channel": "e_payment"},
                   case_id=cid)
        report = self.cal.add(day, 1)
        self.w.add(f, "report_on_spot_decision", at(report, 9), a, {"reported_to": t["head"]},
                   case_id=cid)
        closed = self.cal.add(max(self.cal.on_or_after(paid), report), 1)
        self.w.add(f, "close_case", at(closed, 10), a,
                   {"ground": "performed", "approved_by": t["head"]}, case_id=cid)

    def township_case(self, f, day, channel="online", origin="inspection", township=None,
                      party=None, cid=None, item=None):
        """A township case on a delegated item (URBAN-009/URBAN-011), a
        person; `origin` "transfer": a district bureau registers it and
        transfers it to the township; "registered": the caller did."""
        items = {"URBAN-009", "URBAN-011"}
        if township is None:
            township = self.rng.choice([t for t in self.org.townships
                                        if items & self.org.delegated[t]])
        item = item or self.rng.choice(sorted(items & self.org.delegated[township]))
        fine = 20000 if item == "URBAN-009" else 80000
        cid = cid or self.case_id(day.year, "T")
        party = party or self.person()
        description = ("擅自在街道两侧和公共场地堆放物料" if item == "URBAN-009"
                       else "未按规定设置户外广告设施")
        registered = origin == "registered"
        if origin == "transfer":
            urban = self.org.team("sx-urban")["handlers"][0]
            self.register(f, cid, day, "sx-urban", urban, item, township, party, description,
                          source="complaint_or_tip", channel=channel)
            self.w.add(f, "transfer_clue", at(day, 11), self.actor("sx-urban", urban),
                       {"to": township, "reason": f"{item} 已赋权{township}，移送乡镇处理",
                        "document_number": self.docno("沙城管移", day.year)}, case_id=cid)
            registered = True
        stage = self.rng.random()
        stop = None if stage < 0.7 else ("investigating" if stage < 0.85 else "notice")
        # Recent cases are still open at the year's end.
        if day > self.STILL_OPEN_AFTER:
            stop = "filed" if stage < 0.5 else "investigating"
        self.ordinary(f, cid, day, township, item, township, party, description,
                      {"outcome": "penalty", "penalty_types": ["fine"], "fine_fen": fine,
                       "circumstance_level": "general", "adjustment": "general"},
                      decision_extra={"performance": "自收到本决定书之日起十五日内缴纳罚款"},
                      stop_after=stop, channel=channel, registered=registered)

    def grid_case(self, f, day, township):
        """A grid worker's report in `township` (a subdistrict with a grid),
        dispatched to the township's brigade, becomes a clue and a township
        case (URBAN-003)."""
        ticket = f"GT-{day.year}-{self.serial_next(('GT', day.year)):04d}"
        grid = self.rng.choice(self.org.micro_grids[township])
        worker, dispatcher, captain = self.org.grid_team(township)
        photo = [{"name": "现场1.jpg", "sm3": SM3}, {"name": "现场2.jpg", "sm3": SM3}]
        self.w.add(f, "report_grid_ticket", at(day, 8, 30), worker,
                   {"micro_grid": grid, "category": "construction_waste",
                    "description": "路边倾倒建筑垃圾", "photos": photo}, ticket_id=ticket)
        self.w.add(f, "triage_ticket", at(day, 8, 40), dispatcher,
                   {"suspected_violation": True, "priority": "normal"}, ticket_id=ticket)
        self.w.add(f, "dispatch_ticket", at(day, 8, 50), dispatcher,
                   {"units": [captain["unit"]]}, ticket_id=ticket)
        self.w.add(f, "accept_dispatch", at(day, 8, 55), captain, {}, ticket_id=ticket)
        cid = self.case_id(day.year, "G")
        party = self.person()
        self.w.add(f, "register_clue", at(day, 9), captain,
                   {"source": "grid_report", "channel": "online", "grid_ticket_id": ticket,
                    "micro_grid": grid, "item_code": "URBAN-003",
                    "description": "随意倾倒建筑垃圾", "discovered_on": day.isoformat(),
                    "party": party}, case_id=cid)
        self.w.add(f, "route_clue", at(day, 9, 10), captain, {}, case_id=cid)
        self.w.add(f, "start_verification", at(day, 9, 30), captain, {}, case_id=cid)
        self.ordinary(f, cid, day, township, "URBAN-003", township, party,
                      "随意倾倒建筑垃圾",
                      {"outcome": "penalty", "penalty_types": ["warning", "fine"], "fine_fen": 5000,
                       "circumstance_level": "general", "adjustment": "general"},
                      decision_extra={"performance": "自收到本决定书之日起十五日内缴纳罚款"},
                      stop_after="filed" if day > self.STILL_OPEN_AFTER else None,
                      registered=True)
        fb = self.cal.add(day, 2)
        self.w.add(f, "submit_feedback", at(fb, 11), captain,
                   {"result": "clue_registered", "text": "已立案查处", "case_ids": [cid]},
                   ticket_id=ticket)
        self.w.add(f, "verify_feedback", at(fb, 15), dispatcher,
                   {"outcome": "accepted", "note": "已核验"}, ticket_id=ticket)
        self.w.add(f, "close_ticket", at(fb, 16), dispatcher, {}, ticket_id=ticket)

    def joint_action(self, f, day, area, findings):
        """An area chief's joint action; each finding is routed to the
        township (competence resolution) and becomes a township case."""
        chief, agency, townships = self.AREAS[area]
        township = self.rng.choice([t for t in townships
                                    if "URBAN-009" in self.org.delegated[t]])
        ja = f"JA-{day.year}-{area[-1]}{self.serial_next(('JA', day.year)):03d}"
        second = [o for o, _ in self.org.units[agency]
                  if o != chief and o in self.org.credentialed][0]
        handlers = self.org.team(township)["handlers"]
        parties = [self.person() for _ in range(findings)]
        lead = {"id": chief, "role": "area_chief", "unit": agency}
        self.w.add(f, "plan_joint_action", at(day - timedelta(days=7), 9), lead,
                   # Titled by the township's name: people read it (joint list).
                   {"title": f"{self.org.names[township]}片区联合执法行动", "area": area,
                    "leader": chief,
                    "date": day.isoformat(),
                    "participants": [{"officer": chief, "agency": agency},
                                     {"officer": second, "agency": agency}]
                    + [{"officer": o, "agency": township} for o in handlers],
                    "targets": [p["id"] for p in parties]}, joint_action_id=ja)
        for n, party in enumerate(parties, 1):
            cid = self.case_id(day.year, "J")
            self.w.add(f, "record_joint_finding", at(day, 10, n), lead,
                       {"finding_id": f"F{n}", "item_code": "URBAN-009", "party": party,
                        "township": township, "description": "占道堆放物料",
                        "act_date": day.isoformat(), "case_id": cid, "recorded_by": handlers},
                       joint_action_id=ja)
            self.w.add(f, "register_clue", at(day, 15, n),
                       self.actor(township, handlers[0]),
                       {"source": "joint_action", "channel": "online", "joint_action_id": ja,
                        "item_code": "URBAN-009", "township": township,
                        "description": "联合检查发现占道堆放物料",
                        "discovered_on": day.isoformat(), "act_ended_on": day.isoformat(),
                        "party": party}, case_id=cid)
            self.township_case(f, day, origin="registered", township=township,
                               party=party, cid=cid, item="URBAN-009")
        self.w.add(f, "close_joint_action", at(day, 18), lead,
                   {"summary": f"检查{findings}户，发现问题{findings}个，移交{township}处理"},
                   joint_action_id=ja)

    def eco_penalty(self, f, day, hearing=False):
        cid = self.case_id(day.year, "E")
        township = self.rng.choice(self.org.townships)
        fine = 5000000 if not hearing else 12000000
        self.ordinary(f, cid, day, "sx-eco", "ECO-002", township, self.enterprise(),
                      "超标排放水污染物",
                      {"outcome": "penalty", "penalty_types": ["fine"], "fine_fen": fine,
                       "circumstance_level": "general" if not hearing else "serious",
                       "adjustment": "general"},
                      decision_extra={"performance": "自收到本决定书之日起十五日内缴纳罚款",
                                      "correction_order": {"content": "立即改正违法行为",
                                                           "due_on": str(day + timedelta(days=60))}},
                      hearing=hearing)

    def no_penalty(self, f, day):
        cid = self.case_id(day.year, "E")
        township = self.rng.choice(self.org.townships)
        facts = {"harm_level": "slight", "corrected_within_days": 5}
        self.ordinary(f, cid, day, "sx-eco", "ECO-003", township, self.enterprise(),
                      "排污单位未按照规定填报排污信息",
                      {"outcome": "no_penalty", "penalty_types": [], "fine_fen": 0,
                       "facts": facts, "leniency": [{"entry_id": "SX-NP-015", "accepted": True}]},
                      decision_extra={"education_record": self.docno("沙环教", day.year),
                                      "correction_order": {"content": "按规定填报排污信息",
                                                           "due_on": str(day + timedelta(days=20))}})

    def safe_leniency(self, f, day, kind):
        """SAFE-001 at a township: lighter (SX-LP-001) or mitigated (SX-MP-001)."""
        township = self.rng.choice([t for t in self.org.townships
                                    if "SAFE-001" in self.org.delegated[t]])
        cid = self.case_id(day.year, "S")
        if kind == "lighter":
            proposal = {"outcome": "penalty", "penalty_types": ["fine"],
                        "fine_fen": self.rng.choice([1000000, 1200000, 1500000]),
                        "circumstance_level": "general", "adjustment": "lighter",
                        "facts": {"harm_removed_proactively": True, "harm_level": "serious"}}
        else:
            proposal = {"outcome": "penalty", "penalty_types": ["warning"], "fine_fen": 0,
                        "adjustment": "mitigated", "mitigation_ground": "SX-MP-001",
                        "facts": {"harm_removed_proactively": True, "harm_level": "general"}}
        self.ordinary(f, cid, day, township, "SAFE-001", township,
                      self.enterprise(self.rng.choice(["organisation", "individual_business"])),
                      "未按照规定对从业人员进行安全生产教育和培训", proposal,
                      decision_extra={"correction_order": {"content": "限期组织从业人员安全生产教育和培训",
                                                           "due_on": str(day + timedelta(days=30))},
                                      **({"performance": "自收到本决定书之日起十五日内缴纳罚款"}
                                         if kind == "lighter" else {})})

    def soft_measure(self, f, day, kind):
        township = self.rng.choice(self.org.townships)
        unit = "sx-market"
        t = self.org.team(unit)
        cid = self.case_id(day.year, "M")
        party = self.enterprise(self.rng.choice(["organisation", "individual_business"]))
        self.register(f, cid, day, unit, t["handlers"][0], "MARKET-010", township, party,
                      "经营场所未按规定公示相关信息")
        self.w.add(f, "issue_soft_measure", at(day, 15), self.actor(unit, t["handlers"][0]),
                   {"kind": kind,
                    "document_number": self.docno("沙市监提" if kind == "compliance_reminder_letter"
                                                  else "沙市监改", day.year),
                    "content": "请于期限内按规定公示相关信息" if kind == "compliance_reminder_letter"
                    else "责令于期限内改正",
                    "deadline_working_days": 10}, case_id=cid)

    # --- inspect once ----------------------------------------------------
    SCENARIOS = [
        ("SC-01", "工业企业综合查一次", ["SAFE-001", "MARKET-010", "ECO-005", "URBAN-004"]),
        ("SC-02", "涉危化品企业综合查一次", ["SAFE-005", "MARKET-002", "ECO-002", "WATER-003"]),
        ("SC-03", "农资经营综合查一次", ["SAFE-003", "AGRI-002", "ECO-006", "TRANS-001"]),
        ("SC-04", "商贸综合体综合查一次", ["SAFE-009", "MARKET-006", "NATRES-001", "URBAN-013"]),
        ("SC-05", "焊接作业综合查一次", ["SAFE-017", "MARKET-010", "ECO-005"]),
        ("SC-06", "建筑工地综合查一次", ["URBAN-006", "ECO-001", "WATER-001"]),
        ("SC-07", "农村集贸市场综合查一次", ["AGRI-009", "MARKET-011", "SAFE-018"]),
    ]

    def inspect_once(self, f, year=2023, fours=153, threes=118, define=True):
        """The scenarios (when `define`) and one combined visit to each of
        fours + threes enterprises over the year."""
        if define:
            for sid, name, items in self.SCENARIOS:
                self.w.add(f, "define_inspection_scenario", at(date(year, 1, 5), 9), ADMIN,
                           {"name": name, "items": items}, scenario_id=sid)
        four = [s for s in self.SCENARIOS if len(s[2]) == 4]
        three = [s for s in self.SCENARIOS if len(s[2]) == 3]
        plan = ([four[i % len(four)] for i in range(fours)]
                + [three[i % len(three)] for i in range(threes)])
        self.rng.shuffle(plan)
        start = date(year, 1, 9)
        for n, (sid, _, items) in enumerate(plan, 1):
            day = self.cal.on_or_after(start + timedelta(days=(n * 350) // (len(plan) + 1)))
            township = self.rng.choice(self.org.townships)
            officers = self.org.team(township)["handlers"]
            results = [{"item_code": i,
                        "result": "non_compliant" if self.rng.random() < 0.12 else "compliant"}
                       for i in items]
            self.w.add(f, "record_inspection_visit", at(day, 9 + n % 8),
                       {"id": officers[0], "role": "enforcement_officer", "unit": township},
                       {"scenario_id": sid, "township": township,
                        "party": self.enterprise(
                            self.rng.choice(["organisation", "individual_business"])),
                        "officers": officers, "results": results},
                       inspection_id=f"IV-{year}-{n:04d}")

    # --- the year --------------------------------------------------------
    def days(self, first, last, n):
        span = (last - first).days
        return sorted(self.cal.on_or_after(first + timedelta(days=self.rng.randint(0, span)))
                      for _ in range(n))

    def run(self):
        f22, f23 = "07-cases-2022.jsonl", "08-cases-2023.jsonl"
        # Fines are paid to the treasury under a non-tax revenue item (APL
        # art. 67): each subject maps the items it fines under, once.
        mapped = [("sx-market", "MARKET-006"), ("sx-eco", "ECO-002")]
        for t in self.org.townships:
            mapped += [(t, i) for i in ("SAFE-001", "URBAN-003", "URBAN-009", "URBAN-011")
                       if i in self.org.delegated[t]]
        for subject, item in mapped:
            self.w.add(f22, "map_non_tax_item", at(date(2022, 12, 12), 8, 30), ADMIN,
                       {"subject": subject, "item_code": item, "non_tax_code": "103050199",
                        "effective_from": "2022-12-12", "note": "一般罚没收入"})
        # 2022: the first township cases after the claims of 5-9 December.
        for d in self.days(date(2022, 12, 12), date(2022, 12, 28), 29):
            self.township_case(f22, d)
        for d in self.days(date(2022, 12, 12), date(2022, 12, 28), 40):
            self.on_spot(f22, self.case_id(2022, "X"), d)
        # 2023 up to 9 September: 60 township cases on delegated items.
        # (Filed the next working day: still before 10 September.)
        early = (date(2023, 1, 9), date(2023, 9, 7))
        for d in self.days(*early, 45):
            self.township_case(f23, d)
        for d in self.days(*early, 5):
            self.grid_case(f23, d, "fenggang")
        for d in self.days(*early, 5):
            self.township_case(f23, d, origin="transfer")
        self.joint_action(f23, date(2023, 6, 13), "area-2", 5)
        for d in self.days(*early, 150):
            self.on_spot(f23, self.case_id(2023, "X"), d)
        for d in self.days(*early, 6):
            self.no_penalty(f23, d)
        for d in self.days(*early, 15):
            self.safe_leniency(f23, d, "mitigated")
        for d in self.days(*early, 22):
            self.safe_leniency(f23, d, "lighter")
        for d in self.days(*early, 9):
            self.soft_measure(f23, d, "compliance_reminder_letter")
        for d in self.days(*early, 23):
            self.soft_measure(f23, d, "correction_notice")
        for i, d in enumerate(self.days(*early, 40)):
            self.eco_penalty(f23, d, hearing=i % 10 == 3)
        # 10 September - 31 December 2023: 452 cases, 24 of them offline
        # (entered after the fact). 197 township cases on delegated items:
        # 160 from the townships' own inspections, 15 from grid reports,
        # 10 transferred by the urban bureau, 12 from 4 joint actions.
        late = (date(2023, 9, 10), date(2023, 12, 27))
        offline = set(self.rng.sample(range(160 + 233), 24))
        for i, d in enumerate(self.days(*late, 160)):
            self.township_case(f23, d, channel="offline" if i in offline else "online")
        for d in self.days(*late, 15):
            self.grid_case(f23, d, "fenggang")
        for d in self.days(*late, 10):
            self.township_case(f23, d, origin="transfer")
        for area, d in zip(sorted(self.AREAS), [date(2023, 9, 20), date(2023, 10, 25),
                                                 date(2023, 11, 15), date(2023, 12, 6)]):
            self.joint_action(f23, d, area, 3)
        for i, d in enumerate(self.days(*late, 233)):
            self.on_spot(f23, self.case_id(2023, "X"), d,
                         channel="offline" if 160 + i in offline else "online")
        for d in self.days(date(2023, 9, 10), date(2023, 11, 30), 22):
            self.eco_penalty(f23, d)
        self.inspect_once("09-inspect-once-2023.jsonl")
        self.w.write()


if __name__ == "__main__":
    Generator().run()
