#!/usr/bin/env python3
"""Writes examples/shaxian/03-powers.jsonl: the Shaxian power list (rules/powers).

  publish_power_item   77 penalty items (行政处罚) of 8 district departments
  decide_delegation    batch sx-2022-1, decided 2022-06-24, in force 2022-07-01
  confirm_delegation   12 township confirmations (赋权确认书), November 2022,
                       each accepting a different subset
  claim_item           platform claims (事项认领) by the 12 townships and the
                       8 departments, December 2022
  list adjustments     MARKET-007 version 2 from 2023-07-01; URBAN-010
                       withdrawn from 2023-09-01; the delegation of WATER-002
                       withdrawn from every township from 2024-01-01

Deterministic (no randomness, no clock): re-running it reproduces the file
byte for byte. Run from anywhere:  python3 examples/shaxian/gen/make_powers.py

What is real and what is fixture data:
  - real [seed]: batch 1 of June 2022; acceptance signed November 2022 with
    different accepted sets per township; all 12 townships claim items.
    (The real batch had 284 items from 14 departments; this is a sample.)
  - docs/domain.md, Discretion fixture: SAFE-017 "生产经营单位未建立特种作业人员档案",
    original subject sx-emergency, warning and a fine of at most 10,000 yuan.
  - the 45 item codes SAFE-001..007, SAFE-017, URBAN-001..007, AGRI-001..005,
    MARKET-001..007, NATRES-001..002, WATER-001..004, ECO-001..005 and
    TRANS-001..004 are shared with gen/make_discretion.py (leniency lists and
    benchmarks): same code, same name, same provisions. Keep them in step.
  - FIXTURE (general knowledge of the statutes, NOT checked against the texts
    or against Shaxian's real list): the choice of items, article numbers
    (marked [U] below where the article or item number is least certain),
    which items were delegated and which each township accepted, the dates
    inside the months the seed names, the adjustments of 2023. The title of
    the delegation decision is a guess and its document number unknown
    (docs/domain.md, The power list and delegation [U]); it is left out.
  - ecology items (sx-eco) are not delegated: the bureau is a branch of the
    city bureau (docs/domain.md, Organisation), so its powers are not the district's to hand down
    under APL art. 24 (county-level departments' powers) [U].
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "03-powers.jsonl")
ACTOR = {"id": "SX-ADMIN-01", "role": "list_admin", "unit": "sx-justice"}

SPL = "《中华人民共和国安全生产法》"  # 2021 revision, in force 2021-09-01
TZ = "《特种作业人员安全技术培训考核管理规定》"
SR = "《城市市容和环境卫生管理条例》"
DL = "《城市道路管理条例》"
GF = "《中华人民共和国固体废物污染环境防治法》"
JZ = "《城市建筑垃圾管理规定》"
PS = "《城镇排水与污水处理条例》"
DQ = "《中华人民共和国大气污染防治法》"
LH = "《城市绿化条例》"
NY = "《农药管理条例》"
NC = "《中华人民共和国农产品质量安全法》"  # 2022 revision, in force 2023-01-01
ZZ = "《中华人民共和国种子法》"
YY = "《中华人民共和国渔业法》"
TD = "《中华人民共和国土地管理法》"
TDS = "《中华人民共和国土地管理法实施条例》"
SZ = "《生猪屠宰管理条例》"
DJ = "《中华人民共和国市场主体登记管理条例》"
SP = "《中华人民共和国食品安全法》"
JL = "《中华人民共和国计量法实施细则》"
JG = "《中华人民共和国价格法》"
JGC = "《价格违法行为行政处罚规定》"
MB = "《明码标价和禁止价格欺诈规定》"  # SAMR order 56, in force 2022-07-01
TS = "《中华人民共和国特种设备安全法》"
KC = "《中华人民共和国矿产资源法》"  # 1996 text; the 2024 revision (2025-07-01) renumbers
KCS = "《中华人民共和国矿产资源法实施细则》"
SF = "《中华人民共和国水法》"
HD = "《中华人民共和国河道管理条例》"
ST = "《中华人民共和国水土保持法》"
HB = "《建设项目环境保护管理条例》"
PW = "《排污许可管理条例》"
ZS = "《中华人民共和国噪声污染防治法》"
SW = "《中华人民共和国水污染防治法》"
GL = "《中华人民共和国公路法》"
GA = "《公路安全保护条例》"


def v(instrument, article, paragraph="", item=""):
    """A violated provision (违则)."""
    return (instrument, article, paragraph, item, "violated")


def p(instrument, article, paragraph="", item=""):
    """A penalty provision (罚则)."""
    return (instrument, article, paragraph, item, "penalty")


SAFETY, URBAN, AGRI, MARKET = "safety_production", "urban_management", "agriculture", "market_supervision"
NATRES, WATER, ECO, TRANS = "natural_resources", "water", "ecology_environment", "transport"

# (code, name, department, domain, penalty types, provisions)
ITEMS = [
    # --- Safety production: 区应急管理局 ---------------------------------------
    ("SAFE-001", "生产经营单位未按照规定对从业人员进行安全生产教育和培训", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第二十八条", "第一款"), p(SPL, "第九十七条", "", "第（三）项")]),
    ("SAFE-002", "生产经营单位未如实记录安全生产教育和培训情况", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第二十八条", "第四款"), p(SPL, "第九十七条", "", "第（四）项")]),
    ("SAFE-003", "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志", "sx-emergency",
     SAFETY, ["fine", "production_suspension"],
     [v(SPL, "第三十五条"), p(SPL, "第九十九条", "", "第（一）项")]),  # [U] item order of art. 99
    ("SAFE-004", "未对安全设备进行经常性维护、保养和定期检测", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第三十六条", "第二款"), p(SPL, "第九十九条", "", "第（三）项")]),
    ("SAFE-005", "未为从业人员提供符合国家标准或者行业标准的劳动防护用品", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第四十五条"), p(SPL, "第九十九条", "", "第（五）项")]),
    ("SAFE-006", "生产经营单位未建立事故隐患排查治理制度", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第四十一条", "第二款"), p(SPL, "第一百零一条", "", "第（五）项")]),
    ("SAFE-007", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第三十条", "第一款"), p(SPL, "第九十七条", "", "第（七）项")]),
    ("SAFE-008", "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师", "sx-emergency",
     SAFETY, ["fine", "production_suspension"],
     [v(SPL, "第二十四条"), p(SPL, "第九十七条", "", "第（一）项")]),
    ("SAFE-009", "危险物品的生产、经营、储存、装卸单位以及矿山、金属冶炼、建筑施工、运输单位的主要负责人和安全生产管理人员未按照规定经考核合格",
     "sx-emergency", SAFETY, ["fine", "production_suspension"],
     [v(SPL, "第二十七条", "第二款"), p(SPL, "第九十七条", "", "第（二）项")]),
    ("SAFE-010", "未将事故隐患排查治理情况如实记录或者未向从业人员通报", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第四十一条", "第二款"), p(SPL, "第九十七条", "", "第（五）项")]),
    ("SAFE-011", "未按照规定制定生产安全事故应急救援预案或者未定期组织演练", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第八十一条"), p(SPL, "第九十七条", "", "第（六）项")]),
    ("SAFE-012", "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第三十六条", "第一款"), p(SPL, "第九十九条", "", "第（二）项")]),  # [U] item order
    ("SAFE-013", "餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第三十六条", "第四款"), p(SPL, "第九十九条", "", "第（八）项")]),
    ("SAFE-014", "生产经营单位未采取措施消除事故隐患", "sx-emergency", SAFETY,
     ["fine", "production_suspension"],
     [v(SPL, "第四十一条", "第二款"), p(SPL, "第一百零二条")]),
    ("SAFE-015", "生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道，或者占用、锁闭、封堵出口、疏散通道",
     "sx-emergency", SAFETY, ["fine", "production_suspension"],
     [v(SPL, "第四十二条", "第二款"), p(SPL, "第一百零五条", "", "第（二）项")]),
    ("SAFE-016", "两个以上生产经营单位在同一作业区域内进行可能危及对方安全生产的生产经营活动，未签订安全生产管理协议或者未指定专职安全生产管理人员进行安全检查与协调",
     "sx-emergency", SAFETY, ["fine", "production_suspension"],
     [v(SPL, "第四十八条"), p(SPL, "第一百零四条")]),
    # docs/domain.md, Discretion: warning and a fine <= 10,000 yuan; the 2015 text [U].
    ("SAFE-017", "生产经营单位未建立特种作业人员档案", "sx-emergency", SAFETY, ["warning", "fine"],
     [v(TZ, "第三十二条"), p(TZ, "第三十八条")]),
    ("SAFE-018", "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险", "sx-emergency", SAFETY,
     ["fine"], [v(SPL, "第五十一条", "第二款"), p(SPL, "第一百零九条")]),

    # --- Urban management: 区城市管理局 ----------------------------------------
    ("URBAN-001", "擅自占用城市道路摆摊设点、堆放物料", "sx-urban", URBAN, ["fine"],
     [v(DL, "第二十七条"), p(DL, "第四十二条")]),
    ("URBAN-002", "随意倾倒、抛撒、堆放或者焚烧生活垃圾", "sx-urban", URBAN, ["fine", "confiscate_gains"],
     [v(GF, "第四十九条"), p(GF, "第一百一十一条", "第一款", "第（一）项")]),
    ("URBAN-003", "随意倾倒、抛撒或者堆放建筑垃圾", "sx-urban", URBAN, ["warning", "fine"],
     [v(JZ, "第十五条"), p(JZ, "第二十六条")]),
    ("URBAN-004", "排水户未取得污水排入排水管网许可证向城镇排水设施排放污水", "sx-urban", URBAN, ["fine"],
     [v(PS, "第二十一条"), p(PS, "第五十条", "第一款")]),
    ("URBAN-005", "在当地人民政府禁止的时段和区域内露天烧烤食品或者为露天烧烤食品提供场地", "sx-urban", URBAN,
     ["confiscate_property", "confiscate_gains", "fine"],
     [v(DQ, "第八十一条", "第三款"), p(DQ, "第一百一十八条", "第三款")]),
    ("URBAN-006", "排放油烟的餐饮服务业经营者未安装油烟净化设施或者未正常使用", "sx-urban", URBAN,
     ["fine", "production_suspension"],
     [v(DQ, "第八十一条", "第一款"), p(DQ, "第一百一十八条", "第一款")]),
    ("URBAN-007", "施工单位未采取有效防尘降尘措施", "sx-urban", URBAN, ["fine", "production_suspension"],
     [v(DQ, "第六十九条", "第三款"), p(DQ, "第一百一十五条", "第一款", "第（一）项")]),
    ("URBAN-008", "随地吐痰、便溺，乱扔果皮、纸屑和烟头等废弃物", "sx-urban", URBAN, ["warning", "fine"],
     [p(SR, "第三十四条", "", "第（一）项")]),
    ("URBAN-009", "在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品", "sx-urban", URBAN,
     ["warning", "fine"], [v(SR, "第十七条"), p(SR, "第三十四条", "", "第（二）项")]),  # [U] art. 17
    ("URBAN-010", "未经批准擅自饲养家畜家禽，影响市容和环境卫生", "sx-urban", URBAN,
     ["confiscate_property", "fine"], [p(SR, "第三十五条")]),
    ("URBAN-011", "运输液体、散装货物不作密封、包扎、覆盖，造成泄漏、遗撒", "sx-urban", URBAN,
     ["warning", "fine"], [v(SR, "第十五条"), p(SR, "第三十四条", "", "第（六）项")]),  # [U] art. 15
    ("URBAN-012", "临街工地不设置护栏或者不作遮挡、停工场地不及时整理并作必要覆盖或者竣工后不及时清理和平整场地，影响市容和环境卫生",
     "sx-urban", URBAN, ["warning", "fine"], [p(SR, "第三十四条", "", "第（七）项")]),
    ("URBAN-013", "未经批准擅自设置大型户外广告，影响市容", "sx-urban", URBAN, ["fine"],
     [v(SR, "第十一条"), p(SR, "第三十六条", "", "第（一）项")]),  # [U] arts. 11, 36
    ("URBAN-014", "损坏城市树木花草或者擅自砍伐城市树木", "sx-urban", URBAN, ["fine"],
     [p(LH, "第二十六条", "", "第（一）项"), p(LH, "第二十六条", "", "第（二）项")]),  # [U] 2017 numbering

    # --- Agriculture: 区农业农村局 --------------------------------------------
    ("AGRI-001", "农药经营者未依照规定建立、保存农药采购、销售台账", "sx-agri", AGRI,
     ["fine", "license_revocation"],
     [v(NY, "第二十四条"), v(NY, "第二十五条"), p(NY, "第五十八条")]),
    ("AGRI-002", "经营劣质农药", "sx-agri", AGRI,
     ["confiscate_gains", "confiscate_property", "fine", "license_revocation"],
     [v(NY, "第二十七条"), p(NY, "第五十六条")]),
    ("AGRI-003", "农药使用者在饮用水水源保护区内使用农药", "sx-agri", AGRI, ["fine"],
     [v(NY, "第三十四条"), p(NY, "第六十条")]),
    ("AGRI-004", "农产品生产企业、农民专业合作社未建立或者未按照规定保存农产品生产记录", "sx-agri", AGRI,
     ["fine"], [v(NC, "第二十七条"), p(NC, "第六十九条")]),  # [U] 2022 numbering
    ("AGRI-005", "销售的种子没有使用说明或者标签内容不符合规定", "sx-agri", AGRI, ["fine"],
     [v(ZZ, "第四十一条"), p(ZZ, "第八十条")]),  # [U] 2021 numbering
    ("AGRI-006", "使用炸鱼、毒鱼、电鱼等破坏渔业资源方法进行捕捞", "sx-agri", AGRI,
     ["confiscate_property", "confiscate_gains", "fine", "license_revocation"],
     [v(YY, "第三十条", "第一款"), p(YY, "第三十八条", "第一款")]),
    ("AGRI-007", "违反关于禁渔区、禁渔期的规定进行捕捞", "sx-agri", AGRI,
     ["confiscate_property", "confiscate_gains", "fine", "license_revocation"],
     [v(YY, "第三十条", "第一款"), p(YY, "第三十八条", "第一款")]),
    # Ordering return of the land and demolition of the house: "other" penalty (APL art. 9(6)).
    ("AGRI-008", "农村村民未经批准或者采取欺骗手段骗取批准，非法占用土地建住宅", "sx-agri", AGRI, ["other"],
     [v(TD, "第六十二条"), p(TD, "第七十八条", "第一款")]),
    ("AGRI-009", "未经定点从事生猪屠宰活动", "sx-agri", AGRI,
     ["confiscate_property", "confiscate_gains", "fine"],
     [v(SZ, "第二条", "第二款"), p(SZ, "第三十一条", "第一款")]),  # [U] 2021 numbering

    # --- Market supervision: 区市场监督管理局 ---------------------------------
    ("MARKET-001", "市场主体未将营业执照置于住所或者主要经营场所的醒目位置", "sx-market", MARKET, ["fine"],
     [v(DJ, "第二十九条"), p(DJ, "第四十八条", "第一款")]),
    ("MARKET-002", "市场主体未依照规定办理变更登记", "sx-market", MARKET, ["fine", "license_revocation"],
     [v(DJ, "第二十四条"), p(DJ, "第四十六条")]),
    ("MARKET-003", "经营的预包装食品标签存在瑕疵但不影响食品安全且不会对消费者造成误导，拒不改正", "sx-market",
     MARKET, ["fine"], [v(SP, "第六十七条"), p(SP, "第一百二十五条", "第二款")]),
    ("MARKET-004", "食品经营者未按规定建立并遵守进货查验记录制度", "sx-market", MARKET,
     ["warning", "fine", "production_suspension", "license_revocation"],
     [v(SP, "第五十三条"), p(SP, "第一百二十六条", "第一款", "第（三）项")]),
    ("MARKET-005", "食品经营者安排未取得健康证明的人员从事接触直接入口食品的工作", "sx-market", MARKET,
     ["warning", "fine", "production_suspension", "license_revocation"],
     [v(SP, "第四十五条"), p(SP, "第一百二十六条", "第一款", "第（六）项")]),
    ("MARKET-006", "使用不合格的计量器具或者破坏计量器具准确度", "sx-market", MARKET,
     ["confiscate_property", "confiscate_gains", "fine"],
     [v(JL, "第四十六条"), p(JL, "第四十六条")]),
    ("MARKET-007", "经营者不按照规定明码标价", "sx-market", MARKET, ["confiscate_gains", "fine"],
     [v(JG, "第十三条"), p(JG, "第四十二条"), p(JGC, "第十三条")]),
    ("MARKET-008", "生产经营超过保质期的食品、食品添加剂", "sx-market", MARKET,
     ["confiscate_gains", "confiscate_property", "fine", "license_revocation"],
     [v(SP, "第三十四条", "", "第（十）项"), p(SP, "第一百二十四条", "第一款", "第（五）项")]),
    ("MARKET-009", "餐具、饮具和盛放直接入口食品的容器，使用前未经洗净、消毒或者清洗消毒不合格", "sx-market",
     MARKET, ["warning", "fine", "production_suspension", "license_revocation"],
     [v(SP, "第三十三条", "第一款", "第（五）项"), p(SP, "第一百二十六条", "第一款", "第（五）项")]),  # [U] 33(5)
    ("MARKET-010", "特种设备使用单位使用特种设备未按照规定办理使用登记", "sx-market", MARKET, ["fine"],
     [v(TS, "第三十三条"), p(TS, "第八十三条", "", "第（一）项")]),
    ("MARKET-011", "未经设立登记从事经营活动", "sx-market", MARKET, ["confiscate_gains", "fine"],
     [v(DJ, "第三条", "第一款"), p(DJ, "第四十三条")]),

    # --- Natural resources: 区自然资源局 --------------------------------------
    ("NATRES-001", "未取得采矿许可证擅自采矿", "sx-natres", NATRES,
     ["confiscate_property", "confiscate_gains", "fine"],
     [v(KC, "第三条", "第三款"), p(KC, "第三十九条"), p(KCS, "第四十二条")]),
    ("NATRES-002", "买卖或者以其他形式非法转让土地", "sx-natres", NATRES, ["confiscate_gains", "fine"],
     [v(TD, "第二条", "第三款"), p(TD, "第七十四条"), p(TDS, "第五十四条")]),
    ("NATRES-003", "未经批准或者采取欺骗手段骗取批准，非法占用土地", "sx-natres", NATRES,
     ["confiscate_property", "fine"], [v(TD, "第四十四条", "第一款"), p(TD, "第七十七条", "第一款")]),
    ("NATRES-004", "占用耕地建窑、建坟或者擅自在耕地上建房、挖砂、采石、采矿、取土等，破坏种植条件", "sx-natres",
     NATRES, ["fine"], [v(TD, "第三十七条", "第二款"), p(TD, "第七十五条")]),  # [U] art. 37

    # --- Water: 区水利局 -------------------------------------------------------
    ("WATER-001", "在河道管理范围内建设妨碍行洪的建筑物、构筑物", "sx-water", WATER, ["fine"],
     [v(SF, "第三十七条", "第二款"), p(SF, "第六十五条", "第一款")]),
    # make_discretion.py also cites 《福建省河道采砂管理办法》 (no article: left out here).
    ("WATER-002", "未经批准在河道管理范围内采砂", "sx-water", WATER, ["confiscate_gains", "fine"],
     [v(HD, "第二十五条"), p(HD, "第四十四条")]),
    ("WATER-003", "未依照批准的取水许可规定条件取水", "sx-water", WATER, ["fine", "license_revocation"],
     [v(SF, "第四十八条"), p(SF, "第六十九条", "", "第（二）项")]),
    ("WATER-004", "在水土流失重点预防区和重点治理区铲草皮、挖树兜", "sx-water", WATER,
     ["confiscate_gains", "fine"], [v(ST, "第二十一条"), p(ST, "第五十一条")]),
    ("WATER-005", "在水土保持方案确定的专门存放地以外的区域倾倒砂、石、土、矸石、尾矿、废渣等", "sx-water", WATER,
     ["fine"], [v(ST, "第二十八条"), p(ST, "第五十五条")]),  # [U] art. 28
    ("WATER-006", "在禁止开垦坡度以上陡坡地开垦种植农作物，或者在禁止开垦、开发的植物保护带内开垦、开发", "sx-water",
     WATER, ["fine"], [v(ST, "第二十条"), p(ST, "第四十九条")]),  # [U] art. 20

    # --- Ecology and environment: 三明市沙县生态环境局 (city-level branch) ----
    ("ECO-001", "需要配套建设的环境保护设施未建成、未经验收或者验收不合格，建设项目即投入生产或者使用", "sx-eco",
     ECO, ["fine", "closure_order"], [v(HB, "第十九条"), p(HB, "第二十三条", "第一款")]),
    ("ECO-002", "排污单位未按照排污许可证规定制定自行监测方案并开展自行监测", "sx-eco", ECO,
     ["fine", "production_suspension"], [v(PW, "第十九条"), p(PW, "第三十六条", "", "第（一）项")]),
    ("ECO-003", "排污单位未按照规定填报排污信息", "sx-eco", ECO, ["fine"],
     [v(PW, "第七条"), p(PW, "第三十七条")]),
    ("ECO-004", "在人口集中地区和其他依法需要特殊保护的区域内露天焚烧秸秆、落叶等产生烟尘污染的物质", "sx-eco", ECO,
     ["fine"], [v(DQ, "第七十七条"), p(DQ, "第一百一十九条", "第一款")]),
    ("ECO-005", "超过噪声排放标准排放建筑施工噪声", "sx-eco", ECO, ["fine", "production_suspension"],
     [v(ZS, "第四十条"), p(ZS, "第七十七条", "", "第（一）项")]),  # [U]
    ("ECO-006", "在饮用水水源保护区内设置排污口", "sx-eco", ECO, ["fine"],
     [v(SW, "第六十四条"), p(SW, "第八十四条", "第一款")]),  # [U] art. 64

    # --- Transport: 区交通运输局 ----------------------------------------------
    ("TRANS-001", "车辆车货总体的外廓尺寸、轴荷或者总质量超过公路限定标准，在公路上行驶", "sx-transport", TRANS,
     ["fine"], [v(GA, "第三十三条"), p(GA, "第六十四条")]),
    ("TRANS-002", "擅自在公路用地范围内设置公路标志以外的其他标志", "sx-transport", TRANS, ["fine"],
     [v(GL, "第五十四条"), p(GL, "第七十九条")]),
    ("TRANS-003", "在公路上及公路用地范围内摆摊设点、堆放物品、打场晒粮", "sx-transport", TRANS, ["fine"],
     [v(GL, "第四十六条"), p(GL, "第七十七条")]),
    ("TRANS-004", "车辆装载物触地拖行、掉落、遗洒或者飘散，造成公路路面损坏、污染", "sx-transport", TRANS,
     ["fine"], [v(GA, "第四十一条"), p(GA, "第六十九条")]),
    ("TRANS-005", "擅自占用、挖掘公路", "sx-transport", TRANS, ["fine"],
     [v(GL, "第四十四条", "第一款"), p(GL, "第七十六条", "", "第（一）项")]),
    ("TRANS-006", "在公路建筑控制区内修建建筑物、地面构筑物或者擅自埋设管线、电缆等设施", "sx-transport", TRANS,
     ["fine"], [v(GL, "第五十六条", "第一款"), p(GL, "第八十一条")]),
]

# Kept by the departments (FIXTURE): licensing-linked, technical or high-risk
# items, and every item of the city-level ecology branch.
NOT_DELEGATED = {
    "SAFE-009", "SAFE-018", "URBAN-004", "AGRI-002", "AGRI-009", "MARKET-002", "MARKET-006",
    "MARKET-010", "NATRES-001", "NATRES-002", "NATRES-003", "WATER-003",
} | {code for code, *_ in ITEMS if code.startswith("ECO-")}

SUBDISTRICTS = ["fenggang", "qiujiang"]
TOWNSHIPS = ["fenggang", "qiujiang", "qingzhou", "xiamao", "gaosha", "gaoqiao", "fukou", "daluo",
             "nanxia", "nanyang", "zhenghu", "huyuan"]
# What each kind of unit declines (FIXTURE): the urban subdistricts have no
# fishing waters, homesteads or steep farmland; the rural units no large
# outdoor advertising or city greenery.
SUBDISTRICT_DECLINES = {"AGRI-006", "AGRI-007", "AGRI-008", "WATER-006"}
RURAL_DECLINES = {"URBAN-013", "URBAN-014"}
# Per-unit differences (FIXTURE). 青州镇 does not accept SAFE-017 (spec
# scenario 6 variant); 高砂镇 accepts it (scenario 1).
EXTRA_DECLINES = {
    "fenggang": set(), "qiujiang": {"TRANS-006"}, "qingzhou": {"SAFE-017", "SAFE-013"},
    "xiamao": {"MARKET-003"}, "gaosha": {"URBAN-005"}, "gaoqiao": {"SAFE-016", "WATER-005"},
    "fukou": {"AGRI-005"}, "daluo": {"MARKET-009"}, "nanxia": {"SAFE-012", "URBAN-007"},
    "nanyang": {"WATER-002"}, "zhenghu": {"URBAN-006", "MARKET-008"},
    "huyuan": {"AGRI-001", "TRANS-005"},
}
# Accepted but not (yet) claimed on the platform (FIXTURE).
NOT_CLAIMED = {"xiamao": {"URBAN-012"}}
# November 2022 working days, one confirmation each.
SIGNED_ON = ["2022-11-08", "2022-11-09", "2022-11-10", "2022-11-11", "2022-11-14", "2022-11-15",
             "2022-11-16", "2022-11-17", "2022-11-18", "2022-11-21", "2022-11-22", "2022-11-23"]
BATCH = "sx-2022-1"
LIST_EFFECTIVE = "2022-01-01"


def order(codes):
    index = {code: i for i, (code, *_) in enumerate(ITEMS)}
    return sorted(codes, key=index.__getitem__)


def command(kind, command_id, at, data):
    return {"command": kind, "command_id": command_id, "at": at, "actor": ACTOR, "data": data}


def basis(refs):
    out = []
    for instrument, article, paragraph, item, role in refs:
        entry = {"instrument": instrument, "article": article}
        if paragraph:
            entry["paragraph"] = paragraph
        if item:
            entry["item"] = item
        entry["role"] = role
        out.append(entry)
    return out


def item_data(code, name, dept, domain, types, refs, effective_from, note=None):
    data = {"item_code": code, "name": name, "legal_basis": basis(refs),
            "power_type": "administrative_penalty", "original_subject": dept, "domain": domain,
            "penalty_types": types, "effective_from": effective_from}
    if note:
        data["change_note"] = note
    return data


def commands(townships=TOWNSHIPS, subdistricts=SUBDISTRICTS, extra_declines=EXTRA_DECLINES,
             not_claimed=NOT_CLAIMED, signed_on=SIGNED_ON, adjustments=True):
    """The power-list commands for these township-level units (default: the
    Shaxian sample); make_province.py calls it once per district and gives
    the codes and department ids the district's own spelling."""
    lines = []
    for code, name, dept, domain, types, refs in ITEMS:
        lines.append(command("publish_power_item", f"powers-item-{code}", "2022-06-10T09:00:00+08:00",
                             item_data(code, name, dept, domain, types, refs, LIST_EFFECTIVE)))

    delegated = order(code for code, *_ in ITEMS if code not in NOT_DELEGATED)
    lines.append(command("decide_delegation", f"powers-delegation-{BATCH}", "2022-06-24T10:00:00+08:00", {
        "batch": BATCH,
        "title": "三明市沙县区人民政府关于赋予乡镇（街道）部分县级行政处罚权的决定",
        "decided_on": "2022-06-24",
        "effective_from": "2022-07-01",
        "grants": [{"townships": list(townships), "items": delegated}],
    }))

    accepted = {}
    for township, signed in zip(townships, signed_on):
        declines = ((SUBDISTRICT_DECLINES if township in subdistricts else RURAL_DECLINES)
                    | extra_declines.get(township, set()))
        accepted[township] = [c for c in delegated if c not in declines]
        lines.append(command("confirm_delegation", f"powers-confirm-{township}-{BATCH}",
                             f"{signed}T15:00:00+08:00", {
                                 "township": township, "batch": BATCH, "signed_on": signed,
                                 "accepted_item_codes": accepted[township],
                                 "document": f"{township} 赋权确认书（{BATCH}）"}))

    # Departments claim every item they hold; townships what they accepted.
    departments = []
    for _, _, dept, *_ in ITEMS:
        if dept not in departments:
            departments.append(dept)
    for dept in departments:
        lines.append(command("claim_item", f"powers-claim-{dept}", "2022-12-01T10:00:00+08:00", {
            "subject_id": dept, "item_codes": [c for c, _, d, *_ in ITEMS if d == dept],
            "claimed_on": "2022-12-01"}))
    for i, township in enumerate(townships):
        day = f"2022-12-{5 + i % 5:02d}"
        claimed = [c for c in accepted[township] if c not in not_claimed.get(township, set())]
        lines.append(command("claim_item", f"powers-claim-{township}", f"{day}T10:00:00+08:00", {
            "subject_id": township, "item_codes": claimed, "claimed_on": day}))

    # List adjustments (动态调整), FIXTURE: the price-marking item also cites
    # SAMR order 56 (in force 2022-07-01) [U: art. 21]; URBAN-010 leaves the list.
    if not adjustments:
        return lines
    m7 = next(entry for entry in ITEMS if entry[0] == "MARKET-007")
    lines.append(command("publish_power_item", "powers-item-MARKET-007-v2", "2023-06-20T09:00:00+08:00",
                         item_data(m7[0], m7[1], m7[2], m7[3], m7[4],
                                   m7[5] + [v(MB, "第五条"), p(MB, "第二十一条")], "2023-07-01",
                                   "2023年权责清单动态调整：增列《明码标价和禁止价格欺诈规定》为实施依据")))
    lines.append(command("withdraw_power_item", "powers-withdraw-URBAN-010", "2023-08-15T09:00:00+08:00", {
        "item_code": "URBAN-010", "effective_from": "2023-09-01",
        "reason": "2023年权责清单动态调整：取消该事项"}))
    lines.append(command("withdraw_delegation", f"powers-withdraw-delegation-WATER-002", "2023-12-15T09:00:00+08:00", {
        "batch": BATCH, "effective_from": "2024-01-01", "items": ["WATER-002"],
        "reason": "河道采砂执法专业性强，收回区水利局实施（动态调整）"}))

    return lines


def main():
    with open(OUT, "w", encoding="utf-8") as f:
        for line in commands():
            f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
