#!/usr/bin/env python3
"""Writes examples/shaxian/02-org.jsonl: the Shaxian organisation as `org` commands.

Deterministic (no randomness, no clock): re-running it reproduces the file
byte for byte. Run from anywhere:  python3 examples/shaxian/gen/make_org.py

What is real and what is fixture data (docs/domain.md, Organisation, Statistics, Acceptance scenarios):
  - real [seed/V]: the district, the 12 township-level units and their kinds,
    4 enforcement areas each with an area chief and a coordination leader,
    brigades created May 2022, area 1 with a centralised office and areas 2-4
    with per-township offices, 高砂镇 in area 2, 93 officers holding 113 area
    assignments with 26-30 officers per area, the five grid levels, the
    eco-environment bureau issuing in the city bureau's name.
  - FIXTURE (invented, do not treat as fact): the other township-to-area
    mappings, every officer name and id, every credential number (闽G + agency
    code + serial; the real format of Fujian 行政执法证 numbers was not
    checked), validity dates, how officers are spread over departments and
    areas, assignment modes, and every grid node below the subdistricts
    (community, grid-area and micro-grid names and ids) except that micro-grid
    MG-0457 lies in 凤岗街道 (scenario 3).
"""
import datetime
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "02-org.jsonl"
ACTOR = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}
AT = "2022-05-20T09:00:00+08:00"        # organisation registered
AREAS_AT = "2022-06-01T09:00:00+08:00"  # areas set up after the brigades
PREFIX = "三明市沙县区"

DISTRICT = {"district_id": "sx", "name": "沙县区", "legal_name": "三明市沙县区人民政府"}

# (id, name, kind), in the order of docs/domain.md, Organisation
TOWNSHIPS = [
    ("fenggang", "凤岗街道", "subdistrict"), ("qiujiang", "虬江街道", "subdistrict"),
    ("qingzhou", "青州镇", "town"), ("xiamao", "夏茂镇", "town"), ("gaosha", "高砂镇", "town"),
    ("gaoqiao", "高桥镇", "town"), ("fukou", "富口镇", "town"), ("daluo", "大洛镇", "town"),
    ("nanxia", "南霞乡", "township"), ("nanyang", "南阳乡", "township"),
    ("zhenghu", "郑湖乡", "township"), ("huyuan", "湖源乡", "township"),
]

# (id, short name, officers sent to the areas, credential agency code).
# Officer counts are fixture data summing to 93 over 16 departments [seed: 16 sent officers].
DEPARTMENTS = [
    ("sx-emergency", "应急管理局", 10, "11"), ("sx-urban", "城市管理局", 12, "12"),
    ("sx-agri", "农业农村局", 7, "13"), ("sx-market", "市场监督管理局", 9, "14"),
    ("sx-natres", "自然资源局", 7, "15"), ("sx-water", "水利局", 5, "16"),
    ("sx-eco", None, 6, "17"), ("sx-transport", "交通运输局", 6, "18"),
    ("sx-housing", "住房和城乡建设局", 6, "19"), ("sx-health", "卫生健康局", 4, "20"),
    ("sx-culture", "文体旅游局", 4, "21"), ("sx-forestry", "林业局", 6, "22"),
    ("sx-education", "教育局", 2, "23"), ("sx-commerce", "工业信息化和商务局", 3, "24"),
    ("sx-civil", "民政局", 2, "25"), ("sx-justice", "司法局", 4, "26"),
]

# Fixture except 高砂镇 → area 2 [seed].
AREAS = [
    ("area-1", "第一片区", "centralised", ["fenggang", "qiujiang", "huyuan"]),
    ("area-2", "第二片区", "per_township", ["gaosha", "gaoqiao", "fukou"]),
    ("area-3", "第三片区", "per_township", ["qingzhou", "xiamao", "nanyang"]),
    ("area-4", "第四片区", "per_township", ["daluo", "nanxia", "zhenghu"]),
]
AREA_HEADCOUNT = [29, 28, 28, 28]  # 113 assignments, each area 26-30 [seed]
CHIEF_DEPARTMENT = ["sx-urban", "sx-emergency", "sx-market", "sx-natres"]  # fixture

SURNAMES = "陈林黄张李王吴刘蔡杨郑许邓罗肖曾谢邱"
GIVEN = ["建华", "志强", "秀英", "丽萍", "国平", "海燕", "文斌", "晓东", "春梅", "明辉", "永福",
         "美玲", "振宇", "淑芳", "伟杰", "雪琴", "德明", "小红", "家豪", "凤英", "金水", "玉兰",
         "少华", "宏伟"]


def name_of(n):
    """A plausible, invented name for officer number n (fixture)."""
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


class Writer:
    def __init__(self):
        self.lines = []

    def add(self, command, command_id, data, at=AT, actor=ACTOR):
        self.lines.append(json.dumps(
            {"command": command, "command_id": command_id, "at": at, "actor": actor, "data": data},
            ensure_ascii=False, separators=(",", ":")))


class District:
    """What commands() needs to know about one district's organisation. SHAXIAN
    below is the sample; gen/make_province.py builds others. Department ids
    are spelt as the district's own (e.g. "sx-urban"); `dept` names the
    departments with a special part (coordinating bureau, eco-environment
    branch, justice bureau, the governance centre)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


SHAXIAN = District(
    district=DISTRICT, prefix=PREFIX, actor=ACTOR, at=AT, areas_at=AREAS_AT,
    townships=TOWNSHIPS, departments=DEPARTMENTS, areas=AREAS, area_headcount=AREA_HEADCOUNT,
    chief_departments=CHIEF_DEPARTMENT,
    dept={"urban": "sx-urban", "eco": "sx-eco", "justice": "sx-justice",
          "governance": "sx-governance-center"},
    eco_names=("三明市沙县生态环境局", "三明市生态环境局"),
    officer_prefix="SX-OF-", credential_prefix="闽G", dual=20,
    grid_root=("grid-sx", "沙县区网格"),
    communities={"fenggang": ("FG", ["西门社区", "东门社区"]), "qiujiang": ("QJ", ["虬江社区", "洋坊社区"])},
    grid_workers=1, first_micro_grid=451, micro_prefix="MG-", grid_areas=2, micro_grids=3,
    revoked_on="2023-03-01", shaxian=True, district_root="sx")


def officer_id(n, d=SHAXIAN):
    return f"{d.officer_prefix}{n:04d}"


def commands(d=SHAXIAN, w=None):
    """The organisation commands of district d, appended to w (a Writer).
    Without d.district, the district itself is not registered (a province
    registers one root; see make_province.py)."""
    w = w or Writer()
    AT, AREAS_AT, ACTOR = d.at, d.areas_at, d.actor
    TOWNSHIPS, DEPARTMENTS, AREAS = d.townships, d.departments, d.areas
    PREFIX = d.prefix
    department_ids = {dept_id for dept_id, *_ in DEPARTMENTS}

    def add(command, command_id, data, at=AT):
        w.add(command, command_id, data, at, actor=ACTOR)

    def oid(n):
        return officer_id(n, d)

    if d.district:
        add("register_district", f"org-district-{d.district['district_id']}", d.district)
    district_id = d.district_root

    for dept_id, short, _, _ in DEPARTMENTS:
        data = {"department_id": dept_id, "name": PREFIX + (short or ""), "legal_name": PREFIX + (short or ""),
                "level": "district", "district": district_id}
        if dept_id == d.dept["eco"]:  # branch of the city bureau after the vertical reform [U]
            data.update(name=d.eco_names[0], legal_name=d.eco_names[1], level="city")
        if dept_id == d.dept["urban"]:
            data["designation"] = "coordinating_bureau"
        add("register_department", f"org-dept-{dept_id}", data)
    add("register_department", f"org-dept-{d.dept['governance']}",
        {"department_id": d.dept["governance"], "name": "区智慧治理服务中心",
         "legal_name": PREFIX + "智慧治理服务中心", "level": "district", "district": district_id,
         "designation": "governance_center"})

    for tid, name, kind in TOWNSHIPS:
        suffix = "办事处" if kind == "subdistrict" else "人民政府"
        add("register_township", f"org-township-{tid}",
            {"township_id": tid, "name": name, "kind": kind, "legal_name": PREFIX + name + suffix,
             "district": district_id})
    for i, (tid, name, _) in enumerate(TOWNSHIPS):
        add("register_brigade", f"org-brigade-{tid}",
            {"brigade_id": f"{tid}-brigade", "township": tid, "name": name + "综合执法大队",
             "created_on": f"2022-05-{16 + i % 4:02d}"})

    # Department officers 0001-: the ones deployed to the areas.
    n = 0
    dept_officers = {}
    credential_agency = {}
    for dept_id, _, count, code in DEPARTMENTS:
        dept_officers[dept_id] = []
        for k in range(count):
            n += 1
            dept_officers[dept_id].append(n)
            credential_agency[n] = (dept_id, code)
    chiefs = [dept_officers[x][0] for x in d.chief_departments]
    leaders = dept_officers[d.dept["urban"]][1:1 + len(AREAS)]
    for dept_id, _, _, _ in DEPARTMENTS:
        for k, m in enumerate(dept_officers[dept_id]):
            roles = ["enforcement_officer"]
            if m in chiefs:
                roles.append("area_chief")
            elif m in leaders:
                roles.append("coordination_leader")
            elif k == 1:
                roles.append("case_reviewer")
            if dept_id == d.dept["justice"] and k == 0:
                roles.append("legal_reviewer")
            add("register_officer", f"org-officer-{oid(m)}",
                {"officer_id": oid(m), "name": name_of(m), "agency": dept_id, "roles": roles})

    # Township officers: a brigade captain and a brigade officer per township,
    # a grid worker in the first d.grid_workers subdistricts with a grid and
    # a dispatcher at the centre.
    township_ids = [t[0] for t in TOWNSHIPS]
    township_officers = []
    for tid, _, _ in TOWNSHIPS:
        for roles in (["brigade_captain", "enforcement_officer"], ["enforcement_officer"]):
            n += 1
            township_officers.append(n)
            credential_agency[n] = (tid, f"{30 + township_ids.index(tid)}")
            add("register_officer", f"org-officer-{oid(n)}",
                {"officer_id": oid(n), "name": name_of(n), "agency": tid, "roles": roles})
    for tid in list(d.communities)[:d.grid_workers]:
        n += 1
        add("register_officer", f"org-officer-{oid(n)}",
            {"officer_id": oid(n), "name": name_of(n), "agency": tid, "roles": ["grid_worker"]})
    n += 1
    add("register_officer", f"org-officer-{oid(n)}",
        {"officer_id": oid(n), "name": name_of(n), "agency": d.dept["governance"], "roles": ["dispatcher"]})

    # Decision-makers and reviewers (FIXTURE), numbered after the above so
    # the deployed officers keep their ids: per township and department an
    # agency head (行政机关负责人), a legal reviewer (法制审核) and a
    # credentialed hearing officer (听证主持人) who investigates nothing.
    for agency, code in ([(tid, f"{30 + i}") for i, (tid, _, _) in enumerate(TOWNSHIPS)]
                         + [(x, c) for x, _, _, c in DEPARTMENTS]):
        for roles in (["agency_head"], ["legal_reviewer", "case_reviewer"],
                      ["enforcement_officer", "hearing_officer"]):
            n += 1
            if "enforcement_officer" in roles:
                credential_agency[n] = (agency, code)
            add("register_officer", f"org-officer-{oid(n)}",
                {"officer_id": oid(n), "name": name_of(n), "agency": agency, "roles": roles})

    # The reference-data administrator every command above is recorded by
    # (清单管理员, FIXTURE name): an officer of the justice bureau, so that
    # once the permission matrix (02-permissions.jsonl) is in force the
    # reference commands name a registered officer. Numbered apart from the
    # officers above; Shaxian only (a province has its own administrator).
    if d.shaxian:
        add("register_officer", f"org-officer-{ACTOR['id']}",
            {"officer_id": ACTOR["id"], "name": "郑清单", "agency": ACTOR["unit"],
             "roles": [ACTOR["role"]]})

    # Credentials (FIXTURE numbers): 闽G + 2-digit agency code + 6-digit serial.
    cp = d.credential_prefix
    for m in sorted(credential_agency):
        agency, code = credential_agency[m]
        township = agency not in department_ids
        if m % 15 == 2:  # a renewal: the old credential ran out before the new one began
            add("issue_credential", f"org-cred-{oid(m)}-1",
                {"credential_number": f"{cp}{code}{170000 + m:06d}", "officer": oid(m),
                 "agency": agency, "valid_from": "2017-03-01", "valid_to": "2022-02-28"})
        # Five years, to the day before the anniversary (fixture).
        start = datetime.date(2022, 6, 1) if township else datetime.date(2022, 3 + m % 3, 1)
        valid_from = start.isoformat()
        valid_to = (start.replace(year=start.year + 5) - datetime.timedelta(days=1)).isoformat()
        add("issue_credential", f"org-cred-{oid(m)}-2",
            {"credential_number": f"{cp}{code}{220000 + m:06d}", "officer": oid(m),
             "agency": agency, "valid_from": valid_from, "valid_to": valid_to}, at=AT)
    for i, (aid, name, mode, townships) in enumerate(AREAS):
        add("register_enforcement_area", f"org-area-{aid}",
            {"area_id": aid, "name": name, "district": district_id, "office_mode": mode,
             "area_chief": oid(chiefs[i]), "coordination_leader": oid(leaders[i]),
             "townships": townships}, at=AREAS_AT)

    # Assignments: d.dual officers serve two areas (remote_liaison or
    # semi_stationed), the others one; chiefs and leaders are stationed in theirs.
    department_pool = [m for x, _, _, _ in DEPARTMENTS for m in dept_officers[x]]
    fixed = {m: i for i, m in enumerate(chiefs)} | {m: i for i, m in enumerate(leaders)}
    others = [m for m in department_pool if m not in fixed]
    dual = others[-d.dual:] if d.dual else []  # the last officers of the smaller departments cover two areas
    single = others[:-d.dual] if d.dual else others
    k = len(AREAS)
    pairs = [(a, b) for a in range(k) for b in range(k) if a < b] if k > 1 else []
    if k == 4:
        pairs = [(0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2)]
    assignments = []  # (officer, area index, mode)
    for m, area in fixed.items():
        assignments.append((m, area, "stationed"))
    for j, m in enumerate(dual if pairs else []):
        a, b = pairs[j % len(pairs)]
        assignments.append((m, a, "semi_stationed"))
        assignments.append((m, b, "remote_liaison"))
    if not pairs:
        single = single + dual
    filled = [sum(1 for _, a, _ in assignments if a == i) for i in range(k)]
    area = 0
    for j, m in enumerate(single):
        if d.area_headcount is None:  # the area with the fewest so far
            area = filled.index(min(filled))
        else:
            while filled[area] >= d.area_headcount[area]:
                area += 1
        assignments.append((m, area, "stationed" if j % 3 else "semi_stationed"))
        filled[area] += 1
    assert d.area_headcount is None or filled == d.area_headcount, filled
    if d.shaxian:
        assert len(assignments) == 113 and len({m for m, _, _ in assignments}) == 93
    for m, a, mode in sorted(assignments):
        aid = AREAS[a][0]
        add("assign_officer_to_area", f"org-assign-{oid(m)}-{aid}",
            {"officer": oid(m), "area": aid, "mode": mode, "from": "2022-06-01"}, at=AREAS_AT)

    # The grid (FIXTURE below the subdistricts): district → the
    # subdistricts → communities → grid areas → micro-grids.
    if d.communities:
        root, root_name = d.grid_root
        add("register_grid_node", f"org-{root}",
            {"node_id": root, "name": root_name, "level": "district"}, at=AREAS_AT)
    micro = d.first_micro_grid
    names = dict((t[0], t[1]) for t in TOWNSHIPS)
    for tid, (short, communities) in d.communities.items():
        sub = f"grid-{tid}"
        add("register_grid_node", f"org-grid-{tid}",
            {"node_id": sub, "name": names[tid], "level": "subdistrict",
             "parent": d.grid_root[0], "township": tid}, at=AREAS_AT)
        for c, cname in enumerate(communities, start=1):
            cid = f"CM-{short}-{c:02d}"
            add("register_grid_node", f"org-grid-{cid}",
                {"node_id": cid, "name": cname, "level": "community", "parent": sub}, at=AREAS_AT)
            for g in range(1, d.grid_areas + 1):
                gid = f"GA-{short}-{c:02d}-{g:02d}"
                add("register_grid_node", f"org-grid-{gid}",
                    {"node_id": gid, "name": f"{cname}第{g}网格", "level": "grid_area", "parent": cid}, at=AREAS_AT)
                for j in range(1, d.micro_grids + 1):
                    mid = f"{d.micro_prefix}{micro:04d}"
                    add("register_grid_node", f"org-grid-{mid}",
                        {"node_id": mid, "name": f"{cname}第{g}网格第{j}微网格", "level": "micro_grid",
                         "parent": gid}, at=AREAS_AT)
                    micro += 1

    # A revocation a year on, kept last so the stream's times run forward.
    if d.revoked_on:
        last = township_officers[-1]
        add("revoke_credential", f"org-cred-{oid(last)}-2-revoked",
            {"credential_number": f"{cp}{credential_agency[last][1]}{220000 + last:06d}",
             "revoked_on": d.revoked_on, "reason": "调离执法岗位"}, at=f"{d.revoked_on}T09:00:00+08:00")
    return w


def main():
    w = commands()
    OUT.write_text("\n".join(w.lines) + "\n", encoding="utf-8")

if __name__ == "__main__":
    main()
