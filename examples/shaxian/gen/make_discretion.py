#!/usr/bin/env python3
"""Writes the Shaxian leniency lists, discretion benchmarks and hearing thresholds:

  examples/shaxian/04-leniency.jsonl           publish_leniency_entry   (rules/leniency)
  examples/shaxian/05-benchmarks.jsonl         publish_benchmark        (rules/benchmarks)
  examples/shaxian/06-hearing-thresholds.jsonl set_hearing_threshold    (rules/hearing_thresholds)

Deterministic (no randomness, no clock): re-running it reproduces the files
byte for byte. Run from anywhere:  python3 examples/shaxian/gen/make_discretion.py

What is real and what is fixture data:
  - real [seed]: the list sizes — 20 no-penalty, 7 lighter-penalty and 35
    mitigated-penalty entries (docs/domain.md, Leniency: the four lists; the coercion-exemption count is not
    given, 4 here). Real [V/K]: the statutory grounds (APL 32, 33; ACL 16) and
    the hearing amounts of market supervision and Fujian housing (docs/domain.md, Ordinary procedure).
  - the fixture of docs/domain.md, Discretion: SAFE-017 and its benchmark (illustrative, not a real Shaxian benchmark).
  - FIXTURE (from general knowledge of the statutes, NOT checked against the
    texts or against Shaxian's real lists): which items the entries cover,
    the item codes other than SAFE-017 (the power list was being written at
    the same time: codes follow SAFE-001.., URBAN-001.., AGRI-001..,
    MARKET-001.., NATRES-001.., WATER-001.., ECO-001.., TRANS-001..), article
    numbers and fine ranges, the conditions (lookback months, correction
    days), the benchmark tiers (30%/70% splits of the statutory range), the
    list and benchmark document titles and every date.
  - Benchmarks cover every penalty item of 03-powers.jsonl (read from that
    file: description, basis, department, penalty types); the statutory
    fines of the items the lists do not cover are in EXTRA_FINES (FIXTURE as
    above). Regenerate 03-powers.jsonl first when the power list changes.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
ACTOR = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}

BENCHMARKS_AT = "2022-08-15T09:00:00+08:00"
BENCHMARKS_FROM = "2022-09-01"
LISTS_AT = "2022-09-26T09:00:00+08:00"
LISTS_FROM = "2022-10-01"
LISTS_DOC = "三明市沙县区涉企轻微违法行为“四张清单”（2022年版）"
THRESHOLDS_AT = "2022-06-01T09:00:00+08:00"

DEPARTMENTS = {
    "sx-emergency": ("三明市沙县区应急管理局", "应急管理"),
    "sx-urban": ("三明市沙县区城市管理局", "城市管理"),
    "sx-agri": ("三明市沙县区农业农村局", "农业农村"),
    "sx-market": ("三明市沙县区市场监督管理局", "市场监管"),
    "sx-natres": ("三明市沙县区自然资源局", "自然资源"),
    "sx-water": ("三明市沙县区水利局", "水利"),
    # A branch of the city bureau: benchmarks are issued by the city bureau.
    "sx-eco": ("三明市生态环境局", "生态环境"),
    "sx-transport": ("三明市沙县区交通运输局", "交通运输"),
}

ORG = ["legal_person", "other_organisation", "individual_business"]
ALL = ["natural_person", "legal_person", "other_organisation", "individual_business"]
PERSON = ["natural_person"]
UNITS = ["legal_person", "other_organisation"]

# Items: code -> dict(dept, desc, violated, penalty, types, comb, fine, parties,
# and optional benchmarks=[...] overriding parties/fine per party group, and
# optional levels (explicit tiers)). fine: ("range", min, max) | ("max", max)
# | ("multiple", base, k_min_pct, k_max_pct) | None; amounts in yuan.
SPL = "《中华人民共和国安全生产法》（2021年修正）"
# SAFE-001..007: 责令限期改正，处罚款；逾期未改正的，责令停产停业整顿 (only the
# severe tier carries the suspension; the fine range is that of the first sentence).
ITEMS = {
    "SAFE-001": dict(dept="sx-emergency", desc="生产经营单位未按照规定对从业人员进行安全生产教育和培训",
                     violated=SPL + "第二十八条第一款", penalty=SPL + "第九十七条第（三）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 100000), parties=ORG),
    "SAFE-002": dict(dept="sx-emergency", desc="生产经营单位未如实记录安全生产教育和培训情况",
                     violated=SPL + "第二十八条第四款", penalty=SPL + "第九十七条第（四）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 100000), parties=ORG),
    "SAFE-003": dict(dept="sx-emergency", desc="未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
                     violated=SPL + "第三十五条", penalty=SPL + "第九十九条第（一）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 50000), parties=ORG),
    "SAFE-004": dict(dept="sx-emergency", desc="未对安全设备进行经常性维护、保养和定期检测",
                     violated=SPL + "第三十六条第二款", penalty=SPL + "第九十九条第（三）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 50000), parties=ORG),
    "SAFE-005": dict(dept="sx-emergency", desc="未为从业人员提供符合国家标准或者行业标准的劳动防护用品",
                     violated=SPL + "第四十五条", penalty=SPL + "第九十九条第（五）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 50000), parties=ORG),
    "SAFE-006": dict(dept="sx-emergency", desc="生产经营单位未建立事故隐患排查治理制度",
                     violated=SPL + "第四十一条第二款", penalty=SPL + "第一百零一条第（五）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 100000), parties=ORG),
    "SAFE-007": dict(dept="sx-emergency", desc="特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
                     violated=SPL + "第三十条第一款", penalty=SPL + "第九十七条第（七）项",
                     types=["fine", "production_suspension"], comb="may_combine", fine=("max", 100000), parties=ORG),
    # docs/domain.md, Discretion, exactly: warning and a fine <= 10,000 yuan.
    "SAFE-017": dict(dept="sx-emergency", desc="生产经营单位未建立特种作业人员档案",
                     violated="《特种作业人员安全技术培训考核管理规定》第三十二条",
                     penalty="《特种作业人员安全技术培训考核管理规定》第三十八条",
                     types=["warning", "fine"], comb="and", fine=("max", 10000), parties=ORG,
                     levels=[("general", ["warning", "fine"], 1000, 4000),
                             ("serious", ["warning", "fine"], 4000, 7000),
                             ("severe", ["warning", "fine"], 7000, 10000)]),
    "URBAN-001": dict(dept="sx-urban", desc="擅自占用城市道路摆摊设点、堆放物料",
                      violated="《城市道路管理条例》第二十七条", penalty="《城市道路管理条例》第四十二条",
                      types=["fine"], comb="and", fine=("max", 20000), parties=ALL),
    "URBAN-002": dict(dept="sx-urban", desc="随意倾倒、抛撒、堆放或者焚烧生活垃圾",
                      violated="《中华人民共和国固体废物污染环境防治法》第四十九条",
                      penalty="《中华人民共和国固体废物污染环境防治法》第一百一十一条第一款第（一）项",
                      types=["fine", "confiscate_gains"], comb="and",
                      benchmarks=[("P", PERSON, ("range", 100, 500)),
                                  ("U", UNITS, ("range", 50000, 500000))]),
    "URBAN-003": dict(dept="sx-urban", desc="随意倾倒、抛撒或者堆放建筑垃圾",
                      violated="《城市建筑垃圾管理规定》第十五条", penalty="《城市建筑垃圾管理规定》第二十六条",
                      types=["warning", "fine"], comb="and",
                      benchmarks=[("P", PERSON, ("max", 200)),
                                  ("U", UNITS + ["individual_business"], ("range", 5000, 50000))]),
    "URBAN-004": dict(dept="sx-urban", desc="排水户未取得污水排入排水管网许可证向城镇排水设施排放污水",
                      violated="《城镇排水与污水处理条例》第二十一条", penalty="《城镇排水与污水处理条例》第五十条第一款",
                      types=["fine"], comb="and", fine=("max", 500000), parties=ORG),
    "URBAN-005": dict(dept="sx-urban", desc="在当地人民政府禁止的时段和区域内露天烧烤食品或者为露天烧烤食品提供场地",
                      violated="《中华人民共和国大气污染防治法》第八十一条第三款",
                      penalty="《中华人民共和国大气污染防治法》第一百一十八条第三款",
                      types=["confiscate_property", "confiscate_gains", "fine"], comb="and",
                      fine=("range", 500, 20000), parties=ALL),
    "URBAN-006": dict(dept="sx-urban", desc="排放油烟的餐饮服务业经营者未安装油烟净化设施或者未正常使用",
                      violated="《中华人民共和国大气污染防治法》第八十一条第一款",
                      penalty="《中华人民共和国大气污染防治法》第一百一十八条第一款",
                      types=["fine", "production_suspension"], comb="may_combine",
                      fine=("range", 5000, 50000), parties=ORG),
    "URBAN-007": dict(dept="sx-urban", desc="施工单位未采取有效防尘降尘措施",
                      violated="《中华人民共和国大气污染防治法》第六十九条第三款",
                      penalty="《中华人民共和国大气污染防治法》第一百一十五条第一款第（一）项",
                      types=["fine", "production_suspension"], comb="may_combine",
                      fine=("range", 10000, 100000), parties=UNITS),
    # Range 2,000-20,000 yuan: the range of scenario 14.
    "AGRI-001": dict(dept="sx-agri", desc="农药经营者未依照规定建立、保存农药采购、销售台账",
                     violated="《农药管理条例》第二十四条、第二十五条", penalty="《农药管理条例》第五十八条",
                     types=["fine", "license_revocation"], comb="may_combine",
                     fine=("range", 2000, 20000), parties=ORG),
    "AGRI-002": dict(dept="sx-agri", desc="经营劣质农药",
                     violated="《农药管理条例》第二十七条", penalty="《农药管理条例》第五十六条",
                     types=["confiscate_gains", "confiscate_property", "fine", "license_revocation"],
                     comb="may_combine", fine=("multiple", "goods_value", 200, 500), parties=ORG),
    "AGRI-003": dict(dept="sx-agri", desc="农药使用者在饮用水水源保护区内使用农药",
                     violated="《农药管理条例》第三十四条", penalty="《农药管理条例》第六十条",
                     types=["fine"], comb="and",
                     benchmarks=[("P", PERSON, ("max", 10000)),
                                 ("U", UNITS, ("range", 50000, 100000))]),
    "AGRI-004": dict(dept="sx-agri", desc="农产品生产企业、农民专业合作社未建立或者未按照规定保存农产品生产记录",
                     violated="《中华人民共和国农产品质量安全法》（2022年修订）第二十七条",
                     penalty="《中华人民共和国农产品质量安全法》（2022年修订）第六十九条",
                     types=["fine"], comb="and", fine=("range", 2000, 20000), parties=UNITS),
    "AGRI-005": dict(dept="sx-agri", desc="销售的种子没有使用说明或者标签内容不符合规定",
                     violated="《中华人民共和国种子法》（2021年修正）第四十一条",
                     penalty="《中华人民共和国种子法》（2021年修正）第八十条",
                     types=["fine"], comb="and", fine=("range", 2000, 20000), parties=ALL),
    "MARKET-001": dict(dept="sx-market", desc="市场主体未将营业执照置于住所或者主要经营场所的醒目位置",
                       violated="《中华人民共和国市场主体登记管理条例》第二十九条",
                       penalty="《中华人民共和国市场主体登记管理条例》第四十八条第一款",
                       types=["fine"], comb="and", fine=("max", 30000), parties=ORG),
    "MARKET-002": dict(dept="sx-market", desc="市场主体未依照规定办理变更登记",
                       violated="《中华人民共和国市场主体登记管理条例》第二十四条",
                       penalty="《中华人民共和国市场主体登记管理条例》第四十六条",
                       types=["fine", "license_revocation"], comb="may_combine",
                       fine=("range", 10000, 100000), parties=ORG),
    "MARKET-003": dict(dept="sx-market", desc="经营的预包装食品标签存在瑕疵但不影响食品安全且不会对消费者造成误导，拒不改正",
                       violated="《中华人民共和国食品安全法》第六十七条",
                       penalty="《中华人民共和国食品安全法》第一百二十五条第二款",
                       types=["fine"], comb="and", fine=("max", 2000), parties=ORG),
    "MARKET-004": dict(dept="sx-market", desc="食品经营者未按规定建立并遵守进货查验记录制度",
                       violated="《中华人民共和国食品安全法》第五十三条",
                       penalty="《中华人民共和国食品安全法》第一百二十六条第一款第（三）项",
                       types=["warning", "fine", "production_suspension", "license_revocation"],
                       comb="or", fine=("range", 5000, 50000), parties=ORG,
                       levels=[("general", ["warning"], None, None),
                               ("serious", ["fine"], 5000, 20000),
                               ("severe", ["fine", "production_suspension", "license_revocation"], 20000, 50000)]),
    "MARKET-005": dict(dept="sx-market", desc="食品经营者安排未取得健康证明的人员从事接触直接入口食品的工作",
                       violated="《中华人民共和国食品安全法》第四十五条",
                       penalty="《中华人民共和国食品安全法》第一百二十六条第一款第（六）项",
                       types=["warning", "fine", "production_suspension", "license_revocation"],
                       comb="or", fine=("range", 5000, 50000), parties=ORG,
                       levels=[("general", ["warning"], None, None),
                               ("serious", ["fine"], 5000, 20000),
                               ("severe", ["fine", "production_suspension", "license_revocation"], 20000, 50000)]),
    "MARKET-006": dict(dept="sx-market", desc="使用不合格的计量器具或者破坏计量器具准确度",
                       violated="《中华人民共和国计量法实施细则》第四十六条",
                       penalty="《中华人民共和国计量法实施细则》第四十六条",
                       types=["confiscate_property", "confiscate_gains", "fine"], comb="may_combine",
                       fine=("max", 2000), parties=ALL),
    "MARKET-007": dict(dept="sx-market", desc="经营者不按照规定明码标价",
                       violated="《中华人民共和国价格法》第十三条",
                       penalty="《价格违法行为行政处罚规定》第十三条",
                       types=["confiscate_gains", "fine"], comb="may_combine",
                       fine=("max", 5000), parties=ORG),
    "NATRES-001": dict(dept="sx-natres", desc="未取得采矿许可证擅自采矿",
                       violated="《中华人民共和国矿产资源法》第三条第三款",
                       penalty="《中华人民共和国矿产资源法》第三十九条；《中华人民共和国矿产资源法实施细则》第四十二条",
                       types=["confiscate_property", "confiscate_gains", "fine"], comb="may_combine",
                       fine=("multiple", "illegal_gains", 0, 50), parties=ALL),
    "NATRES-002": dict(dept="sx-natres", desc="买卖或者以其他形式非法转让土地",
                       violated="《中华人民共和国土地管理法》第二条第三款",
                       penalty="《中华人民共和国土地管理法》第七十四条；《中华人民共和国土地管理法实施条例》第五十四条",
                       types=["confiscate_gains", "fine"], comb="may_combine",
                       fine=("multiple", "illegal_gains", 10, 50), parties=ALL),
    "WATER-001": dict(dept="sx-water", desc="在河道管理范围内建设妨碍行洪的建筑物、构筑物",
                      violated="《中华人民共和国水法》第三十七条第二款",
                      penalty="《中华人民共和国水法》第六十五条第一款",
                      types=["fine"], comb="and", fine=("range", 10000, 100000), parties=ALL),
    "WATER-002": dict(dept="sx-water", desc="未经批准在河道管理范围内采砂",
                      violated="《中华人民共和国河道管理条例》第二十五条",
                      penalty="《中华人民共和国河道管理条例》第四十四条；《福建省河道采砂管理办法》",
                      types=["confiscate_gains", "fine"], comb="may_combine",
                      fine=("range", 10000, 100000), parties=ALL),
    "WATER-003": dict(dept="sx-water", desc="未依照批准的取水许可规定条件取水",
                      violated="《中华人民共和国水法》第四十八条", penalty="《中华人民共和国水法》第六十九条第（二）项",
                      types=["fine", "license_revocation"], comb="may_combine",
                      fine=("range", 20000, 100000), parties=ORG),
    "WATER-004": dict(dept="sx-water", desc="在水土流失重点预防区和重点治理区铲草皮、挖树兜",
                      violated="《中华人民共和国水土保持法》第二十一条",
                      penalty="《中华人民共和国水土保持法》第五十一条",
                      types=["confiscate_gains", "fine"], comb="may_combine",
                      benchmarks=[("P", PERSON, ("range", 1000, 10000)),
                                  ("U", UNITS + ["individual_business"], ("range", 20000, 200000))]),
    "ECO-001": dict(dept="sx-eco", desc="需要配套建设的环境保护设施未建成、未经验收或者验收不合格，建设项目即投入生产或者使用",
                    violated="《建设项目环境保护管理条例》第十九条", penalty="《建设项目环境保护管理条例》第二十三条第一款",
                    types=["fine", "closure_order"], comb="may_combine",
                    fine=("range", 200000, 1000000), parties=UNITS),
    "ECO-002": dict(dept="sx-eco", desc="排污单位未按照排污许可证规定制定自行监测方案并开展自行监测",
                    violated="《排污许可管理条例》第十九条", penalty="《排污许可管理条例》第三十六条第（一）项",
                    types=["fine", "production_suspension"], comb="may_combine",
                    fine=("range", 20000, 200000), parties=UNITS),
    "ECO-003": dict(dept="sx-eco", desc="排污单位未按照规定填报排污信息",
                    violated="《排污许可管理条例》第七条", penalty="《排污许可管理条例》第三十七条",
                    types=["fine"], comb="and", fine=("max", 50000), parties=UNITS),
    "ECO-004": dict(dept="sx-eco", desc="在人口集中地区和其他依法需要特殊保护的区域内露天焚烧秸秆、落叶等产生烟尘污染的物质",
                    violated="《中华人民共和国大气污染防治法》第七十七条",
                    penalty="《中华人民共和国大气污染防治法》第一百一十九条第一款",
                    types=["fine"], comb="and", fine=("range", 500, 2000), parties=ALL),
    "ECO-005": dict(dept="sx-eco", desc="超过噪声排放标准排放建筑施工噪声",
                    violated="《中华人民共和国噪声污染防治法》第四十条",
                    penalty="《中华人民共和国噪声污染防治法》第七十七条第（一）项",
                    types=["fine", "production_suspension"], comb="may_combine",
                    fine=("range", 10000, 100000), parties=UNITS),
    "TRANS-001": dict(dept="sx-transport", desc="车辆车货总体的外廓尺寸、轴荷或者总质量超过公路限定标准，在公路上行驶",
                      violated="《公路安全保护条例》第三十三条", penalty="《公路安全保护条例》第六十四条",
                      types=["fine"], comb="and", fine=("max", 30000), parties=ALL),
    "TRANS-002": dict(dept="sx-transport", desc="擅自在公路用地范围内设置公路标志以外的其他标志",
                      violated="《中华人民共和国公路法》第五十四条", penalty="《中华人民共和国公路法》第七十九条",
                      types=["fine"], comb="and", fine=("max", 20000), parties=ALL),
    "TRANS-003": dict(dept="sx-transport", desc="在公路上及公路用地范围内摆摊设点、堆放物品、打场晒粮",
                      violated="《中华人民共和国公路法》第四十六条", penalty="《中华人民共和国公路法》第七十七条",
                      types=["fine"], comb="and", fine=("max", 5000), parties=ALL),
    "TRANS-004": dict(dept="sx-transport", desc="车辆装载物触地拖行、掉落、遗洒或者飘散，造成公路路面损坏、污染",
                      violated="《公路安全保护条例》第四十一条", penalty="《公路安全保护条例》第六十九条",
                      types=["fine"], comb="and", fine=("max", 5000), parties=ALL),
}

# The items the four lists draw on: the lists were drawn up from these, before
# the benchmarks were extended to the whole power list (below).
LISTED = tuple(ITEMS)

POWERS_FILE = ROOT / "03-powers.jsonl"

# Every other penalty item of 03-powers.jsonl gets its benchmark from these
# statutory facts (FIXTURE, from general knowledge of the statutes; amounts
# in yuan): combination, fine, parties, and optional per-party-group
# benchmarks or explicit levels, as in ITEMS. Description, legal basis,
# department and penalty types are read from the power list itself.
# Per-unit fines (每平方米/每立方米 N 元) are multiples of "quantity_yuan"
# with k = N x 100 percent.
MAY = "may_combine"
EXTRA_FINES = {
    # 安全生产法 97: 处十万元以下的罚款；逾期未改正的，责令停产停业整顿.
    "SAFE-008": dict(comb=MAY, fine=("max", 100000), parties=ORG),
    "SAFE-009": dict(comb=MAY, fine=("max", 100000), parties=ORG),
    "SAFE-010": dict(comb=MAY, fine=("max", 100000), parties=ORG),
    "SAFE-011": dict(comb=MAY, fine=("max", 100000), parties=ORG),
    # 安全生产法 99, 102, 104, 105: 处五万元以下的罚款.
    "SAFE-012": dict(comb=MAY, fine=("max", 50000), parties=ORG),
    "SAFE-013": dict(comb=MAY, fine=("max", 50000), parties=ORG),
    "SAFE-014": dict(comb=MAY, fine=("max", 50000), parties=ORG),
    "SAFE-015": dict(comb=MAY, fine=("max", 50000), parties=ORG),
    "SAFE-016": dict(comb=MAY, fine=("max", 50000), parties=ORG),
    # 安全生产法 109: 处五万元以上十万元以下的罚款.
    "SAFE-018": dict(comb="and", fine=("range", 50000, 100000), parties=ORG),
    # 城市市容和环境卫生管理条例 34-36: 可以并处警告、罚款 (amounts set locally).
    "URBAN-008": dict(comb=MAY, fine=("max", 200), parties=PERSON),
    "URBAN-009": dict(comb=MAY, fine=("max", 1000), parties=ALL),
    "URBAN-010": dict(comb=MAY, fine=("max", 500), parties=ALL),
    "URBAN-011": dict(comb=MAY, fine=("max", 5000), parties=ALL),
    "URBAN-012": dict(comb=MAY, fine=("max", 5000), parties=UNITS + ["individual_business"]),
    "URBAN-013": dict(comb="and", fine=("max", 10000), parties=ORG),
    # 城市绿化条例 26: 可以并处罚款.
    "URBAN-014": dict(comb="and", fine=("max", 5000), parties=ALL),
    # 渔业法 38: 没收渔获物和违法所得，处五万元以下的罚款；情节严重的，吊销捕捞许可证.
    "AGRI-006": dict(comb=MAY, fine=("max", 50000), parties=ALL),
    "AGRI-007": dict(comb=MAY, fine=("max", 50000), parties=ALL),
    # 土地管理法 78: 责令退还、限期拆除 — no fine.
    "AGRI-008": dict(comb="and", fine=None, parties=PERSON,
                     levels=[("general", ["other"], None, None), ("severe", ["other"], None, None)]),
    # 生猪屠宰管理条例 31: 没收…；货值不足一万元的，并处五万元以上十万元以下的罚款.
    "AGRI-009": dict(comb="and", fine=("range", 50000, 100000), parties=ALL),
    # 食品安全法 124: 货值不足一万元的，并处五万元以上十万元以下罚款；情节严重的，吊销许可证.
    "MARKET-008": dict(comb=MAY, fine=("range", 50000, 100000), parties=ALL),
    # 食品安全法 126: 给予警告；拒不改正的，处五千元以上五万元以下罚款.
    "MARKET-009": dict(comb=MAY, fine=("range", 5000, 50000), parties=ORG),
    # 特种设备安全法 83: 处一万元以上十万元以下罚款.
    "MARKET-010": dict(comb="and", fine=("range", 10000, 100000), parties=ORG),
    # 市场主体登记管理条例 43: 没收违法所得；拒不改正的，处一万元以上十万元以下的罚款.
    "MARKET-011": dict(comb=MAY, fine=("range", 10000, 100000), parties=ALL),
    # 土地管理法实施条例 57: 每平方米一百元以上一千元以下.
    "NATRES-003": dict(comb=MAY, fine=("multiple", "quantity_yuan", 10000, 100000), parties=ALL),
    # 土地管理法实施条例 54: 耕地开垦费的五倍以上十倍以下.
    "NATRES-004": dict(comb="and", fine=("multiple", "land_reclamation_fee", 500, 1000), parties=ALL),
    # 水土保持法 55: 每立方米十元以上二十元以下.
    "WATER-005": dict(comb="and", fine=("multiple", "quantity_yuan", 1000, 2000), parties=ALL),
    # 水土保持法 49: 个人每平方米二元以下，单位每平方米十元以下.
    "WATER-006": dict(comb="and", benchmarks=[("P", PERSON, ("multiple", "quantity_yuan", 0, 200)),
                                              ("U", ORG, ("multiple", "quantity_yuan", 0, 1000))]),
    # 水污染防治法 84: 处十万元以上五十万元以下的罚款.
    "ECO-006": dict(comb="and", fine=("range", 100000, 500000), parties=ORG),
    # 公路法 76: 处三万元以下的罚款；公路法 81: 可以处五万元以下的罚款.
    "TRANS-005": dict(comb="and", fine=("max", 30000), parties=ALL),
    "TRANS-006": dict(comb="and", fine=("max", 50000), parties=ALL),
}


def power_items():
    """The items of 03-powers.jsonl as first published, in file order."""
    items = {}
    for line in POWERS_FILE.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        if c["command"] == "publish_power_item" and c["data"]["item_code"] not in items:
            items[c["data"]["item_code"]] = c["data"]
    return items


def cite(data, role):
    return "、".join(b["instrument"] + b["article"] + b.get("paragraph", "") + b.get("item", "")
                    for b in data["legal_basis"] if b["role"] == role)


def extend_items():
    """Adds every penalty item of the power list ITEMS lacks, from EXTRA_FINES."""
    powers = power_items()
    for code in ITEMS:
        assert code in powers, f"{code} is not in 03-powers.jsonl"
    for code, data in powers.items():
        if code in ITEMS or data["power_type"] != "administrative_penalty":
            continue
        assert code in EXTRA_FINES, f"{code}: add its statutory fine to EXTRA_FINES"
        penalty = cite(data, "penalty")
        item = dict(dept=data["original_subject"], desc=data["name"],
                    # Where the penalty article itself names the act, it is
                    # also the provision violated.
                    violated=cite(data, "violated") or penalty, penalty=penalty,
                    types=data["penalty_types"])
        item.update(EXTRA_FINES[code])
        ITEMS[code] = item
    unused = set(EXTRA_FINES) - set(ITEMS)
    assert not unused, f"EXTRA_FINES names items not in the power list: {sorted(unused)}"


extend_items()

CRITERIA = {
    "minor": ["初次违法", "危害后果轻微", "在责令改正期限内改正"],
    "general": ["违法行为情节一般", "未造成危害后果或者危害后果较小"],
    "serious": ["违法行为持续时间较长或者涉及数量较大", "造成一定危害后果"],
    "severe": ["造成严重危害后果或者恶劣社会影响", "拒不改正或者两年内再次实施同一违法行为"],
}

HEAVY = {"license_revocation", "license_suspension", "production_suspension", "closure_order",
         "business_restriction", "practice_restriction"}


def fen(yuan):
    return yuan * 100


def yuan_floor(fen_amount):
    """Round a fen amount down to whole yuan (tiers are published in yuan)."""
    return fen_amount // 100 * 100


# ---------------------------------------------------------------------------
# The four lists (docs/domain.md, Leniency: the four lists): 20 + 7 + 35 + 4 entries.

def cond(code, **params):
    c = {"code": code}
    if params:
        c["params"] = params
    return c


EXCL_ALL = ["emergency_period", "repeat_offence", "refused_correction", "caused_accident"]

# (item, ground, conditions, accompanying) — the no-penalty list, 20 entries.
NO_PENALTY = [
    # docs/domain.md, Discretion / scenario 1: first violation, 12-month lookback.
    ("SAFE-017", "APL33.1.2", [cond("first_violation", lookback_months=12, scope="same_item"),
                               cond("harm_level_at_most", level="slight"),
                               cond("corrected_within", days=15)],
     ["education_record", "correction_order"]),
    # Scenario 3: mandatory no-penalty, corrected within the 3-day notice.
    ("URBAN-003", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                                cond("corrected_within", days=3)],
     ["education_record", "correction_order"]),
    # Scenario 5: first violation, slight harm, corrected within 5 days.
    ("MARKET-003", "APL33.1.2", [cond("first_violation", lookback_months=24, scope="same_item"),
                                 cond("harm_level_at_most", level="slight"),
                                 cond("corrected_within", days=5)],
     ["education_record", "correction_order"]),
    ("MARKET-001", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                                 cond("corrected_within", days=7)],
     ["education_record", "correction_order"]),
    ("MARKET-007", "APL33.1.2", [cond("first_violation", lookback_months=12),
                                 cond("harm_level_at_most", level="slight"),
                                 cond("corrected_within", days=3)],
     ["education_record", "correction_order", "compliance_reminder_letter"]),
    ("SAFE-002", "APL33.1.2", [cond("first_violation", lookback_months=12),
                               cond("harm_level_at_most", level="slight"),
                               cond("corrected_within", days=15)],
     ["education_record", "correction_order"]),
    ("SAFE-003", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                               cond("corrected_within", days=7)],
     ["education_record", "correction_order"]),
    ("URBAN-001", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                                cond("corrected_within", days=1)],
     ["education_record", "correction_order"]),
    ("URBAN-006", "APL33.1.2", [cond("first_violation", lookback_months=12),
                                cond("harm_level_at_most", level="slight"),
                                cond("corrected_within", days=10)],
     ["education_record", "correction_order"]),
    ("TRANS-003", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                                cond("corrected_within", days=1)],
     ["education_record", "correction_order"]),
    ("TRANS-002", "APL33.1.2", [cond("first_violation", lookback_months=12),
                                cond("harm_level_at_most", level="slight"),
                                cond("corrected_within", days=10)],
     ["education_record", "correction_order"]),
    ("AGRI-004", "APL33.1.2", [cond("first_violation", lookback_months=12),
                               cond("harm_level_at_most", level="slight"),
                               cond("corrected_within", days=15)],
     ["education_record", "correction_order"]),
    ("AGRI-005", "APL33.1.2", [cond("first_violation", lookback_months=12),
                               cond("amount_at_most", fen=fen(5000)),
                               cond("corrected_within", days=10)],
     ["education_record", "correction_order"]),
    ("AGRI-001", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                               cond("corrected_within", days=10)],
     ["education_record", "correction_order"]),
    ("ECO-003", "APL33.1.2", [cond("first_violation", lookback_months=24),
                              cond("harm_level_at_most", level="slight"),
                              cond("corrected_within", days=10)],
     ["education_record", "correction_order"]),
    ("ECO-004", "APL33.1.1", [cond("harm_level_at_most", level="none"),
                              cond("corrected_within", days=1)],
     ["education_record", "correction_order"]),
    ("WATER-004", "APL33.1.2", [cond("first_violation", lookback_months=12),
                                cond("harm_level_at_most", level="slight"),
                                cond("corrected_within", days=30)],
     ["education_record", "correction_order"]),
    ("MARKET-006", "APL33.2", [cond("no_subjective_fault")],
     ["education_record", "correction_order"]),
    ("SAFE-004", "APL33.1.2", [cond("first_violation", lookback_months=12),
                               cond("harm_level_at_most", level="slight"),
                               cond("corrected_within", days=15)],
     ["education_record", "correction_order"]),
    ("MARKET-004", "APL33.1.2", [cond("first_violation", lookback_months=12),
                                 cond("harm_level_at_most", level="slight"),
                                 cond("corrected_within", days=7)],
     ["education_record", "correction_order"]),
]

GROUND_CONDITION = {
    "APL32.1": "harm_removed_proactively",
    "APL32.2": "coerced_or_deceived",
    "APL32.3": "confessed_unknown_violation",
    "APL32.4": "meritorious_service",
}

# (item, ground) — the lighter-penalty list, 7 entries.
LIGHTER = [("SAFE-001", "APL32.1"), ("SAFE-005", "APL32.1"), ("URBAN-007", "APL32.1"),
           ("ECO-002", "APL32.3"), ("WATER-003", "APL32.1"), ("MARKET-002", "APL32.2"),
           ("AGRI-003", "APL32.1")]

# (item, party group or None) -> the coercion-exemption list, 4 entries.
COERCION = [
    ("URBAN-001", "不扣押经营工具和物品", [cond("social_harm_not_obvious"), cond("corrected_within", days=1)]),
    ("URBAN-005", "不扣押烧烤工具", [cond("social_harm_not_obvious"), cond("corrected_within", days=1)]),
    ("TRANS-001", "不扣留车辆，当场卸载或者转运", [cond("social_harm_not_obvious"), cond("corrected_within", days=1)]),
    ("AGRI-002", "不查封、扣押涉案农药",
     [cond("social_harm_not_obvious"), cond("amount_at_most", fen=fen(2000))]),
]


def benchmark_groups(code):
    """[(suffix, parties, fine)] — one benchmark per party group."""
    item = ITEMS[code]
    if "benchmarks" in item:
        return item["benchmarks"]
    return [("", item["parties"], item.get("fine"))]


def mitigation(code):
    """The mitigated outcome an item allows, or None (docs/domain.md, Leniency: the four lists 减轻)."""
    item = ITEMS[code]
    suffix, parties, fine = benchmark_groups(code)[-1]
    if item["comb"] == "and" and len(item["types"]) > 1 and "warning" in item["types"]:
        return {"kind": "mitigated", "drop_combined": True}, "仅给予警告，不并处罚款"
    if fine and fine[0] == "range":
        lo = fen(fine[1])
        return ({"kind": "mitigated", "fine_min_fen": yuan_floor(lo // 2), "fine_max_fen": lo - 100},
                "在法定最低罚款数额以下处以罚款")
    if fine and fine[0] == "max" and "warning" not in item["types"]:
        return {"kind": "mitigated", "substitute_type": "warning"}, "以警告代替罚款"
    return None


def entry(entry_id, kind, code, ground, mandatory, conditions, exclusions, outcome, accompanying,
          description_suffix=""):
    item = ITEMS[code]
    return {
        "entry_id": entry_id, "list_kind": kind, "item_code": code,
        "violation_description": item["desc"] + description_suffix,
        "legal_basis_violated": item["violated"], "legal_basis_penalty": item["penalty"],
        "leniency_ground": ground, "mandatory": mandatory, "conditions": conditions,
        "exclusions": exclusions, "outcome": outcome, "accompanying": accompanying,
        "effective_from": LISTS_FROM, "issuer": DEPARTMENTS[item["dept"]][0], "document": LISTS_DOC,
    }


def leniency_entries():
    out = []
    for i, (code, ground, conditions, accompanying) in enumerate(NO_PENALTY, 1):
        out.append(entry(f"SX-NP-{i:03d}", "no_penalty", code, ground, ground != "APL33.1.2",
                         conditions, EXCL_ALL if ground == "APL33.1.2" else
                         ["emergency_period", "refused_correction", "caused_accident"],
                         {"kind": "no_penalty"}, accompanying))
    for i, (code, ground) in enumerate(LIGHTER, 1):
        out.append(entry(f"SX-LP-{i:03d}", "lighter_penalty", code, ground, True,
                         [cond(GROUND_CONDITION[ground])], ["emergency_period"],
                         {"kind": "lighter", "band_pct": 30}, ["correction_order"]))
    # The mitigated list: every item that allows mitigation, by APL 32(1),
    # then by APL 32(3) until there are 35.
    mitigable = [c for c in LISTED if mitigation(c)]
    plan = [(c, "APL32.1") for c in mitigable]
    plan += [(c, "APL32.3") for c in mitigable][: max(0, 35 - len(plan))]
    assert len(plan) >= 35, len(plan)
    for i, (code, ground) in enumerate(plan[:35], 1):
        outcome, _ = mitigation(code)
        out.append(entry(f"SX-MP-{i:03d}", "mitigated_penalty", code, ground, True,
                         [cond(GROUND_CONDITION[ground]), cond("harm_level_at_most", level="general")],
                         ["emergency_period", "repeat_offence"], outcome, ["correction_order"]))
    for i, (code, what, conditions) in enumerate(COERCION, 1):
        out.append(entry(f"SX-CE-{i:03d}", "coercion_exemption", code, "ACL16.2", False, conditions,
                         ["emergency_period", "refused_correction"], {"kind": "no_coercion"},
                         ["education_record", "compliance_reminder_letter"], f"（{what}）"))
    return out


# ---------------------------------------------------------------------------
# Benchmarks (docs/domain.md, Discretion): one per item and party group.

def statutory_fine(fine):
    kind = fine[0]
    if kind == "range":
        return {"kind": "range", "min_fen": fen(fine[1]), "max_fen": fen(fine[2])}
    if kind == "max":
        return {"kind": "max_only", "min_fen": 0, "max_fen": fen(fine[1])}
    return {"kind": "multiple", "base": fine[1], "k_min_pct": fine[2], "k_max_pct": fine[3]}


def tier_types(item, level):
    types = item["types"]
    if item["comb"] == "and":
        return list(types)
    light = [t for t in types if t not in HEAVY]
    return list(types) if level == "severe" else light


def levels_for(code, fine, has_minor):
    item = ITEMS[code]
    levels = []
    if has_minor:
        levels.append({"level": "minor", "criteria": CRITERIA["minor"], "penalty_types": []})
    if "levels" in item:
        for name, types, lo, hi in item["levels"]:
            level = {"level": name, "criteria": CRITERIA[name], "penalty_types": types}
            if lo is not None:
                level["fine_min_fen"] = fen(lo)
                level["fine_max_fen"] = fen(hi)
            levels.append(level)
        return levels
    if fine[0] == "multiple":
        lo, hi = fine[2], fine[3]
        cuts = [lo, lo + (hi - lo) * 30 // 100, lo + (hi - lo) * 70 // 100, hi]
        keys = ("k_min_pct", "k_max_pct")
    else:
        lo = fen(fine[1]) if fine[0] == "range" else 0
        hi = fen(fine[2]) if fine[0] == "range" else fen(fine[1])
        first = lo if fine[0] == "range" else yuan_floor(hi * 10 // 100)
        cuts = [first, yuan_floor(lo + (hi - lo) * 30 // 100), yuan_floor(lo + (hi - lo) * 70 // 100), hi]
        keys = ("fine_min_fen", "fine_max_fen")
    for i, name in enumerate(["general", "serious", "severe"]):
        levels.append({"level": name, "criteria": CRITERIA[name], "penalty_types": tier_types(item, name),
                       keys[0]: cuts[i], keys[1]: cuts[i + 1]})
    return levels


def benchmarks(entries):
    links = {}
    for e in entries:
        links.setdefault(e["item_code"], []).append(e["entry_id"])
    no_penalty = {e["item_code"] for e in entries if e["list_kind"] == "no_penalty"}
    out = []
    for code, item in ITEMS.items():
        name, short = DEPARTMENTS[item["dept"]]
        for suffix, parties, fine in benchmark_groups(code):
            b = {
                "benchmark_id": f"SX-BM-{code}" + (f"-{suffix}" if suffix else ""),
                "item_code": code, "violation_description": item["desc"],
                "basis_violated": item["violated"], "basis_penalty": item["penalty"],
                "party_category": parties,
                "statutory": {"penalty_types": item["types"], "combination": item["comb"]},
                "levels": levels_for(code, fine, code in no_penalty),
                "adjustments": {"lighter_band_pct": 30, "heavier_band_pct": 70},
            }
            if fine:
                b["statutory"]["fine"] = statutory_fine(fine)
            if code in links:
                b["leniency_links"] = links[code]
            b.update({"effective_from": BENCHMARKS_FROM, "issuer": name,
                      "document": f"{name}行政处罚裁量基准（2022年版）"})
            out.append(b)
    return out


# ---------------------------------------------------------------------------
# Hearing thresholds (docs/domain.md, Ordinary procedure).

THRESHOLDS = [
    ("*", "2021-07-15", "APL art. 63 较大数额；zf default [C]: the market-supervision amounts",
     "Default for departments without their own published amounts [C]."),
    ("sx-market", "2021-07-15", "《市场监督管理行政处罚听证办法》（2021年修正）第五条", None),
    ("sx-housing", "2022-01-01", "福建省住房和城乡建设系统行政处罚较大数额标准（spec §4.4 [V]）",
     "Amounts [V]; the effective date is a fixture assumption."),
]


def thresholds():
    out = []
    for dept, start, basis, note in THRESHOLDS:
        for category, yuan in (("natural_person", 10000), ("organisation", 100000)):
            t = {"department": dept, "party_category": category, "fine_min_fen": fen(yuan),
                 "confiscation_min_fen": fen(yuan), "effective_from": start, "basis": basis}
            if note:
                t["note"] = note
            out.append(t)
    return out


def command(kind, command_id, at, data):
    return {"command": kind, "command_id": command_id, "at": at, "actor": ACTOR, "data": data}


def write(name, commands):
    text = "".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n" for c in commands)
    (ROOT / name).write_text(text, encoding="utf-8")


def commands():
    """(leniency entries, benchmarks, hearing thresholds) as command lists."""
    entries = leniency_entries()
    return ([command("publish_leniency_entry", f"leniency-{e['entry_id']}", LISTS_AT, e) for e in entries],
            [command("publish_benchmark", f"benchmark-{b['benchmark_id']}", BENCHMARKS_AT, b)
             for b in benchmarks(entries)],
            [command("set_hearing_threshold",
                     f"hearing-threshold-{'default' if t['department'] == '*' else t['department']}-"
                     f"{t['party_category']}", THRESHOLDS_AT, t) for t in thresholds()])


def main():
    leniency, benchmark_commands, threshold_commands = commands()
    write("04-leniency.jsonl", leniency)
    write("05-benchmarks.jsonl", benchmark_commands)
    write("06-hearing-thresholds.jsonl", threshold_commands)

if __name__ == "__main__":
    main()
