#!/usr/bin/env python3
"""Writes examples/shaxian/02-org.jsonl: the Shaxian organisation as `org` commands.

Deterministic (no randomness, no clock): re-running it reproduces the file
byte for byte. Run from anywhere:  python3 examples/shaxian/gen/make_org.py

What is real and what is fixture data (spec §1, §10, §12):
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
    MG-0457 lies in 凤岗街道 (spec scenario 3).
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

# (id, name, kind), in the order of spec §1.
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

    def add(self, command, command_id, data, at=AT):
        self.lines.append(json.dumps(
            {"command": command, "command_id": command_id, "at": at, "actor": ACTOR, "data": data},
            ensure_ascii=False, separators=(",", ":")))


def officer_id(n):
    return f"SX-OF-{n:04d}"


def main():
    w = Writer()
    w.add("register_district", "org-district-sx", DISTRICT)

    for dept_id, short, _, _ in DEPARTMENTS:
        data = {"department_id": dept_id, "name": PREFIX + (short or ""), "legal_name": PREFIX + (short or ""),
                "level": "district", "district": "sx"}
        if dept_id == "sx-eco":  # branch of the city bureau after the vertical reform [U]
            data.update(name="三明市沙县生态环境局", legal_name="三明市生态环境局", level="city")
        if dept_id == "sx-urban":
            data["designation"] = "coordinating_bureau"
        w.add("register_department", f"org-dept-{dept_id}", data)
    w.add("register_department", "org-dept-sx-governance-center",
          {"department_id": "sx-governance-center", "name": "区智慧治理服务中心",
           "legal_name": PREFIX + "智慧治理服务中心", "level": "district", "district": "sx",
           "designation": "governance_center"})

    for tid, name, kind in TOWNSHIPS:
        suffix = "办事处" if kind == "subdistrict" else "人民政府"
        w.add("register_township", f"org-township-{tid}",
              {"township_id": tid, "name": name, "kind": kind, "legal_name": PREFIX + name + suffix,
               "district": "sx"})
    for i, (tid, name, _) in enumerate(TOWNSHIPS):
        w.add("register_brigade", f"org-brigade-{tid}",
              {"brigade_id": f"{tid}-brigade", "township": tid, "name": name + "综合执法大队",
               "created_on": f"2022-05-{16 + i % 4:02d}"})

    # Department officers 0001-0093: the ones deployed to the areas.
    n = 0
    dept_officers = {}
    credential_agency = {}
    for dept_id, _, count, code in DEPARTMENTS:
        dept_officers[dept_id] = []
        for k in range(count):
            n += 1
            dept_officers[dept_id].append(n)
            credential_agency[n] = (dept_id, code)
    chiefs = [dept_officers[d][0] for d in CHIEF_DEPARTMENT]
    leaders = dept_officers["sx-urban"][1:5]
    for dept_id, _, _, _ in DEPARTMENTS:
        for k, m in enumerate(dept_officers[dept_id]):
            roles = ["enforcement_officer"]
            if m in chiefs:
                roles.append("area_chief")
            elif m in leaders:
                roles.append("coordination_leader")
            elif k == 1:
                roles.append("case_reviewer")
            if dept_id == "sx-justice" and k == 0:
                roles.append("legal_reviewer")
            w.add("register_officer", f"org-officer-{officer_id(m)}",
                  {"officer_id": officer_id(m), "name": name_of(m), "agency": dept_id, "roles": roles})

    # Township officers: a brigade captain and a brigade officer per township
    # (0094-0117), a grid worker in 凤岗街道 and a dispatcher at the centre.
    township_officers = []
    for tid, _, _ in TOWNSHIPS:
        for roles in (["brigade_captain", "enforcement_officer"], ["enforcement_officer"]):
            n += 1
            township_officers.append(n)
            credential_agency[n] = (tid, f"{30 + [t[0] for t in TOWNSHIPS].index(tid)}")
            w.add("register_officer", f"org-officer-{officer_id(n)}",
                  {"officer_id": officer_id(n), "name": name_of(n), "agency": tid, "roles": roles})
    n += 1
    w.add("register_officer", f"org-officer-{officer_id(n)}",
          {"officer_id": officer_id(n), "name": name_of(n), "agency": "fenggang", "roles": ["grid_worker"]})
    n += 1
    w.add("register_officer", f"org-officer-{officer_id(n)}",
          {"officer_id": officer_id(n), "name": name_of(n), "agency": "sx-governance-center",
           "roles": ["dispatcher"]})

    # Decision-makers and reviewers (FIXTURE), numbered after the above so
    # the deployed officers keep their ids: per township and department an
    # agency head (行政机关负责人), a legal reviewer (法制审核) and a
    # credentialed hearing officer (听证主持人) who investigates nothing.
    for agency, code in ([(tid, f"{30 + i}") for i, (tid, _, _) in enumerate(TOWNSHIPS)]
                         + [(d, c) for d, _, _, c in DEPARTMENTS]):
        for roles in (["agency_head"], ["legal_reviewer", "case_reviewer"],
                      ["enforcement_officer", "hearing_officer"]):
            n += 1
            if "enforcement_officer" in roles:
                credential_agency[n] = (agency, code)
            w.add("register_officer", f"org-officer-{officer_id(n)}",
                  {"officer_id": officer_id(n), "name": name_of(n), "agency": agency, "roles": roles})

    # Credentials (FIXTURE numbers): 闽G + 2-digit agency code + 6-digit serial.
    for m in sorted(credential_agency):
        agency, code = credential_agency[m]
        township = not agency.startswith("sx-")
        if m % 15 == 2:  # a renewal: the old credential ran out before the new one began
            w.add("issue_credential", f"org-cred-{officer_id(m)}-1",
                  {"credential_number": f"闽G{code}{170000 + m:06d}", "officer": officer_id(m),
                   "agency": agency, "valid_from": "2017-03-01", "valid_to": "2022-02-28"})
        # Five years, to the day before the anniversary (fixture).
        start = datetime.date(2022, 6, 1) if township else datetime.date(2022, 3 + m % 3, 1)
        valid_from = start.isoformat()
        valid_to = (start.replace(year=start.year + 5) - datetime.timedelta(days=1)).isoformat()
        w.add("issue_credential", f"org-cred-{officer_id(m)}-2",
              {"credential_number": f"闽G{code}{220000 + m:06d}", "officer": officer_id(m),
               "agency": agency, "valid_from": valid_from, "valid_to": valid_to}, at=AT)
    for i, (aid, name, mode, townships) in enumerate(AREAS):
        w.add("register_enforcement_area", f"org-area-{aid}",
              {"area_id": aid, "name": name, "district": "sx", "office_mode": mode,
               "area_chief": officer_id(chiefs[i]), "coordination_leader": officer_id(leaders[i]),
               "townships": townships}, at=AREAS_AT)

    # 113 assignments: 20 officers serve two areas (remote_liaison or
    # semi_stationed), 73 serve one; chiefs and leaders are stationed in theirs.
    department_pool = [m for d, _, _, _ in DEPARTMENTS for m in dept_officers[d]]
    fixed = {m: i for i, m in enumerate(chiefs)} | {m: i for i, m in enumerate(leaders)}
    others = [m for m in department_pool if m not in fixed]
    dual = others[-20:]  # the last officers of the smaller departments cover two areas
    single = others[:-20]
    pairs = [(0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2)]
    assignments = []  # (officer, area index, mode)
    for m, area in fixed.items():
        assignments.append((m, area, "stationed"))
    for j, m in enumerate(dual):
        a, b = pairs[j % len(pairs)]
        assignments.append((m, a, "semi_stationed"))
        assignments.append((m, b, "remote_liaison"))
    filled = [sum(1 for _, a, _ in assignments if a == i) for i in range(4)]
    area = 0
    for j, m in enumerate(single):
        while filled[area] >= AREA_HEADCOUNT[area]:
            area += 1
        assignments.append((m, area, "stationed" if j % 3 else "semi_stationed"))
        filled[area] += 1
    assert filled == AREA_HEADCOUNT, filled
    assert len(assignments) == 113 and len({m for m, _, _ in assignments}) == 93
    for m, a, mode in sorted(assignments):
        aid = AREAS[a][0]
        w.add("assign_officer_to_area", f"org-assign-{officer_id(m)}-{aid}",
              {"officer": officer_id(m), "area": aid, "mode": mode, "from": "2022-06-01"}, at=AREAS_AT)

    # The grid (FIXTURE below the subdistricts): district → the two
    # subdistricts → communities → grid areas → micro-grids.
    w.add("register_grid_node", "org-grid-sx",
          {"node_id": "grid-sx", "name": "沙县区网格", "level": "district"}, at=AREAS_AT)
    micro = 451
    communities = {"fenggang": ["西门社区", "东门社区"], "qiujiang": ["虬江社区", "洋坊社区"]}
    for tid, short in (("fenggang", "FG"), ("qiujiang", "QJ")):
        sub = f"grid-{tid}"
        w.add("register_grid_node", f"org-grid-{tid}",
              {"node_id": sub, "name": dict((t[0], t[1]) for t in TOWNSHIPS)[tid], "level": "subdistrict",
               "parent": "grid-sx", "township": tid}, at=AREAS_AT)
        for c, cname in enumerate(communities[tid], start=1):
            cid = f"CM-{short}-{c:02d}"
            w.add("register_grid_node", f"org-grid-{cid}",
                  {"node_id": cid, "name": cname, "level": "community", "parent": sub}, at=AREAS_AT)
            for g in (1, 2):
                gid = f"GA-{short}-{c:02d}-{g:02d}"
                w.add("register_grid_node", f"org-grid-{gid}",
                      {"node_id": gid, "name": f"{cname}第{g}网格", "level": "grid_area", "parent": cid}, at=AREAS_AT)
                for k in range(1, 4):
                    mid = f"MG-{micro:04d}"
                    w.add("register_grid_node", f"org-grid-{mid}",
                          {"node_id": mid, "name": f"{cname}第{g}网格第{k}微网格", "level": "micro_grid",
                           "parent": gid}, at=AREAS_AT)
                    micro += 1

    # A revocation a year on, kept last so the stream's times run forward.
    last_township_officer = township_officers[-1]
    w.add("revoke_credential", f"org-cred-{officer_id(last_township_officer)}-2-revoked",
          {"credential_number": f"闽G{credential_agency[last_township_officer][1]}{220000 + last_township_officer:06d}",
           "revoked_on": "2023-03-01", "reason": "调离执法岗位"}, at="2023-03-01T09:00:00+08:00")

    OUT.write_text("\n".join(w.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
