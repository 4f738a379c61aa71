#!/usr/bin/env python3
"""Writes a synthetic province: many districts, each with its own townships,
departments, officers, grid, power list, leniency lists, benchmarks and a
year (or two) of cases with the mix of the Shaxian sample year.

  python3 examples/shaxian/gen/make_province.py --townships 1100 --years 1 \\
      --seed 1 --out /tmp/province

writes, in import order (`for f in DIR/*.jsonl; do zfcli import "$f"; done`,
or `cat DIR/*.jsonl | zfcli import -`):

  01-calendar.jsonl          the holiday calendars 2022-2025 (the sample's)
  02-org.jsonl               the province root (registered once, as zf's
                             `district`: a store holds one), then per district
                             its departments, townships and brigades,
                             officers and credentials, enforcement areas and
                             assignments, grid (subdistricts only)
  03-powers.jsonl            per district: its power list, delegation batch,
                             the townships' confirmations and claims, the
                             2023 list adjustments
  04-leniency.jsonl          per district: the four lists
  05-benchmarks.jsonl        per district: discretion benchmarks
  06-hearing-thresholds.jsonl  the default, and per district the market and
                             housing bureaus' amounts
  07-cases.jsonl             per district and year: cases, grid tickets,
                             joint actions, inspect-once visits, in time order
                             within each district-year

Structure (FIXTURE, invented): the townships are spread over districts of
8-18 township-level units (about a fifth subdistricts, the rest towns and
townships), the districts over Fujian's nine cities (real city names and
region codes; district and township names are made up from syllables and
are unique). Each district has the sample's 16 departments (officer counts
drawn around the sample's), one enforcement area per about three townships,
a grid in up to two subdistricts, and its own copy of the rule templates
(make_powers.py, make_discretion.py) under its own codes: item SAFE-001 of
district fz03 is FZ03SAFE-001, held by fz03-emergency. Every township
declines a few random items of the delegation batch besides the kind-based
ones of make_powers.py, never the items the cases use.

Cases: make_cases.py's building blocks (township cases from inspections,
grid reports, bureau transfers and joint actions; on-the-spot fines;
eco-environment penalties, a tenth with a hearing; no-penalty, mitigated and
lighter penalties of the four lists; soft measures; inspect-once visits),
drawn per district-year in the sample year's proportions, times
townships / 12 (the sample's 12 units) times --density. At the default
density (15) a township-year is about 8,900 events (one event per command,
nearly), so a province year of 1,100 townships is about 10^7 events,
--townships 11 gives about 10^5 (98,041 events at seed 1) and --townships
112 about 10^6.

Deterministic: the same arguments give the same files byte for byte (one
random.Random per district, seeded from --seed and the district's number).
Streaming: one district is in memory at a time.
"""
import argparse
import json
import os
import random
import re
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_cases  # noqa: E402
import make_discretion  # noqa: E402
import make_org  # noqa: E402
import make_powers  # noqa: E402

SAMPLE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT_ID = "fj"
ROOT = {"district_id": ROOT_ID, "name": "福建省", "legal_name": "福建省人民政府"}
ADMIN = {"id": "FJ-ADMIN-01", "role": "list_admin", "unit": "fj"}
# Fujian's nine prefecture-level cities: (id, name, region code).
CITIES = [("fz", "福州市", "3501"), ("xm", "厦门市", "3502"), ("pt", "莆田市", "3503"),
          ("sm", "三明市", "3504"), ("qz", "泉州市", "3505"), ("zz", "漳州市", "3506"),
          ("np", "南平市", "3507"), ("ly", "龙岩市", "3508"), ("nd", "宁德市", "3509")]
# (hanzi, pinyin) syllables for invented place names.
SYLLABLES = [("青", "qing"), ("溪", "xi"), ("安", "an"), ("永", "yong"), ("平", "ping"), ("和", "he"),
             ("宁", "ning"), ("清", "qing"), ("泰", "tai"), ("华", "hua"), ("龙", "long"), ("山", "shan"),
             ("兴", "xing"), ("源", "yuan"), ("德", "de"), ("化", "hua"), ("南", "nan"), ("北", "bei"),
             ("东", "dong"), ("西", "xi"), ("岩", "yan"), ("石", "shi"), ("桥", "qiao"), ("口", "kou"),
             ("江", "jiang"), ("坪", "ping"), ("洋", "yang"), ("林", "lin"), ("丰", "feng"), ("福", "fu"),
             ("建", "jian"), ("云", "yun"), ("霞", "xia"), ("浦", "pu"), ("阳", "yang"), ("梅", "mei"),
             ("茶", "cha"), ("竹", "zhu"), ("湖", "hu"), ("田", "tian")]
KINDS = [("subdistrict", "街道"), ("town", "镇"), ("township", "乡")]
# Items the cases use: never declined, so every township can take them.
CASE_ITEMS = {"URBAN-003", "URBAN-009", "URBAN-011", "SAFE-001"}
SAMPLE_UNITS = 12  # township-level units of the Shaxian sample
DEFAULT_DENSITY = 15
FIRST_YEAR = 2023
LAST_CALENDAR_YEAR = 2025


def load_sample(name):
    with open(os.path.join(SAMPLE, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def dumps(command):
    return json.dumps(command, ensure_ascii=False, separators=(",", ":"))


class Localiser:
    """Gives a district's commands, written in the sample's spelling of the
    department ids, item codes, list entry and benchmark ids, its own: exact
    string values are mapped, texts naming 沙县 name the district, ids that
    must be unique in the store get the district's prefix."""

    PREFIXED_KEYS = {"command_id", "ticket_id", "grid_ticket_id", "joint_action_id", "inspection_id",
                     "scenario_id", "evidence_id", "notice_number"}

    def __init__(self, did, upper, city_name, district_name, codes, entries, benchmarks):
        self.prefix = did + "-"
        self.key_prefix = lambda m: f'"{m.group(1)}":"{self.prefix}'
        m = {f"sx-{x}": f"{did}-{x}" for x in
             ("emergency", "urban", "agri", "market", "natres", "water", "eco", "transport", "housing",
              "health", "culture", "forestry", "education", "commerce", "civil", "justice",
              "governance-center")}
        m.update({c: f"{upper}{c}" for c in codes})
        m.update({e: upper + e[2:] for e in entries})  # SX-NP-015 -> FZ03-NP-015
        m.update({b: upper + b[2:] for b in benchmarks})
        m[make_powers.BATCH] = f"{did}-2022-1"
        m["SX-ADMIN-01"] = f"{upper}-ADMIN-01"
        self.exact = m
        self.texts = [("三明市沙县区", city_name + district_name), ("三明市沙县", city_name + district_name),
                      ("沙县区", district_name), ("沙县", district_name), ("三明市", city_name),
                      (make_powers.BATCH, f"{did}-2022-1")]

    TOKEN = re.compile(r'"(sx-[a-z0-9-]+|SX-[A-Z0-9-]+|(?:SAFE|URBAN|AGRI|MARKET|NATRES|WATER|ECO|TRANS)-[0-9]{3})"')
    KEYS = None

    def line(self, command):
        """The command as a JSON line in the district's spelling (on the
        text: about ten times faster than walking the objects)."""
        s = dumps(command)
        if Localiser.KEYS is None:
            Localiser.KEYS = re.compile('"(' + "|".join(sorted(self.PREFIXED_KEYS)) + ')":"')
        s = Localiser.KEYS.sub(self.key_prefix, s)
        s = self.TOKEN.sub(self.token, s)
        if "沙" in s or "三明" in s or "sx-2022" in s:
            for old, new in self.texts:
                s = s.replace(old, new)
        return s

    def token(self, m):
        got = self.exact.get(m.group(1))
        return m.group(0) if got is None else f'"{got}"'

    def value(self, v):
        """The same on objects (kept for the test that compares the two)."""
        if isinstance(v, str):
            got = self.exact.get(v)
            if got is not None:
                return got
            if "沙" in v or "三明" in v or "sx-2022" in v:
                for old, new in self.texts:
                    v = v.replace(old, new)
            return v
        if isinstance(v, dict):
            return {k: (self.prefix + x if k in self.PREFIXED_KEYS and isinstance(x, str)
                        else self.value(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v


class Names:
    """Unique invented two-syllable names, unique in pinyin too: ids are made
    from the pinyin, and two names can sound alike (阳台, 杨泰: yangtai)."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def __call__(self):
        while True:
            (a, pa), (b, pb) = self.rng.sample(SYLLABLES, 2)
            if a + b not in self.used and pa + pb not in self.used:
                self.used.update((a + b, pa + pb))
                return a + b, pa + pb


def district_sizes(townships, rng):
    """Township-level units per district: 8-18 each (fewer only when the
    whole province has fewer than 8), summing to `townships`."""
    sizes = []
    left = townships
    while left > 18:
        n = rng.randint(8, 18)
        if left - n < 8:
            n = left - 8
        sizes.append(n)
        left -= n
    sizes.append(left)
    return sizes


def working_days(first, last, cal):
    d, out = first, []
    while d <= last:
        if cal.working(d):
            out.append(d.isoformat())
        d += timedelta(days=1)
    return out


class District:
    def __init__(self, number, city, name, short, n_townships, rng, cal):
        city_id, city_name, city_code = city
        self.number = number
        self.did = f"{city_id}{number:02d}"
        self.upper = self.did.upper()
        self.city_name = city_name
        self.name = name
        self.region_code = f"{city_code}{number:02d}"
        self.short = short
        self.rng = rng
        tnames = Names(rng)
        self.townships = []
        n_sub = max(0, round(n_townships * rng.uniform(0.1, 0.3)))
        for i in range(n_townships):
            kind, suffix = KINDS[0] if i < n_sub else KINDS[1 + (rng.random() < 0.45)]
            hz, py = tnames()
            self.townships.append((f"{self.did}-{py}", hz + suffix, kind))
        subdistricts = [t for t, _, k in self.townships if k == "subdistrict"]
        k = max(1, round(n_townships / 3))
        tids = [t for t, _, _ in self.townships]
        areas = []
        for a in range(k):
            members = tids[a::k]
            areas.append((f"{self.did}-area-{a + 1}", f"第{'一二三四五六七八九'[a]}片区",
                          "centralised" if a == 0 else "per_township", members))
        departments = []
        for dept_id, short_name, count, code in make_org.DEPARTMENTS:
            count = max(5, count + rng.randint(-2, 3))
            if dept_id == "sx-urban":
                count = max(count, k + 4)
            departments.append((dept_id, short_name, count, code))
        chiefs = ["sx-urban", "sx-emergency", "sx-market", "sx-natres", "sx-agri", "sx-water",
                  "sx-transport"][:k]
        pool = sum(c for _, _, c, _ in departments)
        communities = {}
        for j, tid in enumerate(subdistricts[:2]):
            cnames = Names(rng)
            communities[tid] = (f"{self.upper}{'AB'[j]}",
                                [cnames()[0] + "社区" for _ in range(rng.randint(2, 4))])
        self.org_spec = make_org.District(
            district=None, district_root=ROOT_ID, prefix=city_name + name, actor=make_org.ACTOR,
            at=make_org.AT, areas_at=make_org.AREAS_AT, townships=self.townships,
            departments=departments, areas=areas, area_headcount=None, chief_departments=chiefs,
            dept=make_org.SHAXIAN.dept, eco_names=(f"{city_name}{name}生态环境局", f"{city_name}生态环境局"),
            officer_prefix=f"{self.upper}-OF-", credential_prefix=f"闽{'ABCDEFGHJ'[int(city_code[2:]) - 1]}{number:02d}",
            dual=pool // 5 if k > 1 else 0, grid_root=(f"grid-{self.did}", name + "网格"),
            communities=communities, grid_workers=len(communities), first_micro_grid=1, micro_prefix=f"MG-{self.upper}-",
            grid_areas=rng.randint(2, 3), micro_grids=rng.randint(2, 4), revoked_on="2023-03-01",
            shaxian=False)
        delegated = [c for c, *_ in make_powers.ITEMS if c not in make_powers.NOT_DELEGATED]
        optional = [c for c in delegated if c not in CASE_ITEMS]
        self.extra_declines = {t: set(rng.sample(optional, rng.randint(0, 3))) for t in tids}
        self.subdistricts = subdistricts
        self.signed_on = working_days(date(2022, 11, 1), date(2022, 11, 30), cal)
        self.grid_townships = list(communities)

    def reference(self):
        """(org, powers) commands in the sample's spelling."""
        org = [json.loads(line) for line in make_org.commands(self.org_spec).lines]
        signed = [self.signed_on[i % len(self.signed_on)] for i in range(len(self.townships))]
        powers = make_powers.commands(townships=[t for t, _, _ in self.townships],
                                      subdistricts=self.subdistricts,
                                      extra_declines=self.extra_declines, not_claimed={},
                                      signed_on=signed)
        return org, powers


class CaseGenerator(make_cases.Generator):
    """make_cases.Generator for one district of the province."""
    DOCNO_UNIT_FROM_ID = False   # the unit's short Chinese name (issue 18)

    def __init__(self, district, org, cal, seed):
        self.CASE_PREFIX = district.upper
        self.REGION_CODE = district.region_code
        self.PLACE = district.name[:-1] if len(district.name) > 2 else district.name
        self.SHORT = district.short
        super().__init__(seed=seed, org=org, cal=cal)
        self.district = district

    def count(self, per_sample_year, k):
        """per_sample_year × k, rounded at random (stays right on average)."""
        x = per_sample_year * k
        return int(x) + (self.rng.random() < x - int(x))

    def year(self, f, year, k, first):
        """One year of cases in the sample year's mix, k times its volume."""
        self.STILL_OPEN_AFTER = date(year, 12, 10)
        if first:
            mapped = [("sx-market", "MARKET-006"), ("sx-eco", "ECO-002")]
            for t in self.org.townships:
                mapped += [(t, i) for i in ("SAFE-001", "URBAN-003", "URBAN-009", "URBAN-011")
                           if i in self.org.delegated[t]]
            for subject, item in mapped:
                self.w.add(f, "map_non_tax_item", make_cases.at(date(2022, 12, 12), 8, 30), make_cases.ADMIN,
                           {"subject": subject, "item_code": item, "non_tax_code": "103050199",
                            "effective_from": "2022-12-12", "note": "一般罚没收入"})
        span = (date(year, 1, 9), date(year, 12, 27))
        offline = 24 / 452  # the sample's share of cases entered afterwards
        for d in self.days(*span, self.count(205, k)):
            self.township_case(f, d, channel="offline" if self.rng.random() < offline else "online")
        if self.district.grid_townships:
            for d in self.days(*span, self.count(20, k)):
                self.grid_case(f, d, self.rng.choice(self.district.grid_townships))
        for d in self.days(*span, self.count(15, k)):
            self.township_case(f, d, origin="transfer")
        areas = sorted(self.AREAS)
        for d in self.days(date(year, 1, 16), date(year, 12, 6), self.count(5, k)):
            self.joint_action(f, d, self.rng.choice(areas), self.rng.randint(3, 5))
        for d in self.days(*span, self.count(383, k)):
            self.on_spot(f, self.case_id(year, "X"), d,
                         channel="offline" if self.rng.random() < offline else "online")
        for d in self.days(*span, self.count(6, k)):
            self.no_penalty(f, d)
        for d in self.days(*span, self.count(15, k)):
            self.safe_leniency(f, d, "mitigated")
        for d in self.days(*span, self.count(22, k)):
            self.safe_leniency(f, d, "lighter")
        for d in self.days(*span, self.count(9, k)):
            self.soft_measure(f, d, "compliance_reminder_letter")
        for d in self.days(*span, self.count(23, k)):
            self.soft_measure(f, d, "correction_notice")
        for i, d in enumerate(self.days(date(year, 1, 9), date(year, 11, 30), self.count(62, k))):
            self.eco_penalty(f, d, hearing=i % 10 == 3)
        self.inspect_once(f, year=year, fours=self.count(153, k), threes=self.count(118, k), define=first)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="make_province.py", description=__doc__,
        epilog="About 8,900 events per township-year at the default density: --townships 11 ~ 1e5 events, "
               "112 ~ 1e6, 1124 ~ 1e7 (a Fujian province year: ~1,100 townships). Import: "
               "cat OUT/*.jsonl | zfcli --db DIR import - --keep-going. "
               "More: docs/performance.md, 'Province scale'.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--townships", type=int, default=1100,
                    help="township-level units in the province (default: 1100)")
    ap.add_argument("--years", type=int, default=1,
                    help=f"years of cases from {FIRST_YEAR} (default: 1; at most "
                         f"{LAST_CALENDAR_YEAR - FIRST_YEAR}: the recorded calendars end in {LAST_CALENDAR_YEAR})")
    ap.add_argument("--seed", type=int, default=1, help="seed of every random draw (default: 1)")
    ap.add_argument("--density", type=float, default=DEFAULT_DENSITY,
                    help=f"case volume per township, as a multiple of the Shaxian sample year's "
                         f"(default: {DEFAULT_DENSITY:g})")
    ap.add_argument("--out", required=True, help="output directory (created; its files overwritten)")
    ap.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    args = ap.parse_args(argv)
    if args.townships < 1:
        ap.error("--townships must be at least 1")
    if not 1 <= args.years <= LAST_CALENDAR_YEAR - FIRST_YEAR:
        ap.error(f"--years must be between 1 and {LAST_CALENDAR_YEAR - FIRST_YEAR}")

    started = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    calendar = load_sample("01-calendar.jsonl")
    cal = make_cases.Calendar(calendar)
    leniency, benchmarks, thresholds = make_discretion.commands()
    codes = [c for c, *_ in make_powers.ITEMS]
    entries = [c["data"]["entry_id"] for c in leniency]
    benchmark_ids = [c["data"]["benchmark_id"] for c in benchmarks]

    names = ["01-calendar", "02-org", "03-powers", "04-leniency", "05-benchmarks", "06-hearing-thresholds",
             "07-cases"]
    out = {n: open(os.path.join(args.out, n + ".jsonl"), "w", encoding="utf-8") for n in names}
    counts = {n: 0 for n in names}

    def emit(name, command, loc=None):
        out[name].write((loc.line(command) if loc else dumps(command)) + "\n")
        counts[name] += 1

    for c in calendar:
        emit("01-calendar", c)
    emit("02-org", {"command": "register_district", "command_id": f"org-district-{ROOT_ID}",
                    "at": make_org.AT, "actor": ADMIN, "data": ROOT})
    for c in thresholds:
        if c["data"]["department"] == "*":
            emit("06-hearing-thresholds", c)

    layout = random.Random(args.seed)
    sizes = district_sizes(args.townships, layout)
    district_names = Names(layout)
    for number, size in enumerate(sizes, 1):
        city = CITIES[(number - 1) % len(CITIES)]
        hz, _ = district_names()
        name = hz + ("区" if layout.random() < 0.4 else "县")
        seed = args.seed * 1_000_003 + number
        d = District((number - 1) // len(CITIES) + 1, city, name, hz, size, random.Random(seed), cal)
        loc = Localiser(d.did, d.upper, d.city_name, d.name, codes, entries, benchmark_ids)
        org, powers = d.reference()
        for c in org:
            emit("02-org", c, loc)
        for c in powers:
            emit("03-powers", c, loc)
        for c in leniency:
            emit("04-leniency", c, loc)
        for c in benchmarks:
            emit("05-benchmarks", c, loc)
        for c in thresholds:
            if c["data"]["department"] != "*":
                emit("06-hearing-thresholds", c, loc)
        g = CaseGenerator(d, make_cases.Org(org, powers), cal, seed)
        k = args.density * size / SAMPLE_UNITS
        for y in range(args.years):
            year = FIRST_YEAR + y
            g.year("cases", year, k, first=y == 0)
            for line in g.w.sorted_lines("cases", id_prefix=f"cases-{year}"):
                emit("07-cases", line, loc)
        if not args.quiet:
            print(f"\rdistrict {number}/{len(sizes)}: {sum(counts.values()):,} commands, "
                  f"{time.monotonic() - started:.0f} s", end="", file=sys.stderr, flush=True)
    for f in out.values():
        f.close()
    if not args.quiet:
        print(f"\n{args.townships} townships in {len(sizes)} districts, {args.years} year(s): "
              f"{sum(counts.values()):,} commands ({counts['07-cases']:,} of cases) "
              f"in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
