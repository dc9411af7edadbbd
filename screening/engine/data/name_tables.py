"""Word tables for company-name normalisation (screening.engine.names), written as people write them.

Every entry goes through the same tokeniser as the names it is compared with, so "Co., Ltd.", "CO LTD" and
"有限公司" need one line each, not one per spelling; dotted forms made of single letters ("S.A.U.") also match
written solid ("SAU"). Chinese is looked up after traditional -> simplified conversion: write simplified here.
"""

from __future__ import annotations

# Legal forms removed from the end of a name, by region. Longer forms win ("GmbH & Co. KG" before "KG").
TRAILING_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "English and Commonwealth": (
        "Co.",
        "Co., Ltd.",
        "Company",
        "Company Limited",
        "Limited",
        "Ltd.",
        "Corp.",
        "Corporation",
        "Corporation Limited",
        "Inc.",
        "Incorporated",
        "LLC",
        "L.L.C.",
        "Limited Liability Company",
        "LLP",
        "L.P.",
        "PLC",
        "Public Limited Company",
        "Pte. Ltd.",
        "Pte.",
        "Pty. Ltd.",
        "Pty.",
        "Pvt. Ltd.",
        "Private Limited",
        "Sdn. Bhd.",
        "Bhd.",
        "Group",
        "Joint Stock Company",
        "JSC",
        "PJSC",
        "OJSC",
        "CJSC",
    ),
    "German-speaking": (
        "GmbH",
        "mbH",
        "GmbH & Co. KG",
        "AG & Co. KG",
        "KG",
        "KGaA",
        "AG",
        "OHG",
        "UG",
        "e.K.",
        "e.V.",
        "SE",
    ),
    "French, Spanish, Italian, Portuguese": (
        "S.A.",
        "S.A.U.",
        "S.A.S.",
        "SARL",
        "S.à r.l.",
        "S.L.",
        "S.L.U.",
        "S.p.A.",
        "S.r.l.",
        "S.C.A.",
        "Ltda.",
        "S.A. de C.V.",
        "Cie",
        "& Cie",
    ),
    "Dutch and Belgian": ("B.V.", "N.V.", "BVBA"),
    "Nordic": ("Oy", "Oyj", "AB", "AB (publ)", "(publ)", "AS", "ASA", "A/S", "ApS"),
    "Central and Eastern Europe": (
        "Sp. z o.o.",
        "Sp. z.o.o.",
        "Sp. z oo",
        "s.r.o.",
        "spol. s r.o.",
        "a.s.",
        "d.o.o.",
        "d.d.",
        "EOOD",
        "OOD",
        "AD",
        "EAD",
        "Kft.",
        "Zrt.",
        "Nyrt.",
        "Bt.",
    ),
    "Russian (Cyrillic and Latin)": ("АО", "ЗАО", "ОАО", "ПАО", "ООО", "AO", "ZAO", "OAO", "PAO", "OOO"),
    "Chinese and Japanese": (
        "有限公司",
        "有限 公司",
        "有限责任公司",
        "有限 责任 公司",
        "股份有限公司",
        "股份 有限公司",
        "股份公司",
        "公司",
        "集团",
        "K.K.",
        "Kabushiki Kaisha",
        "株式会社",
        "有限会社",
        "Tbk.",
    ),
}

# Legal forms removed from the start of a name: Russian and Japanese usage puts them first.
LEADING_LEGAL_FORMS: tuple[str, ...] = (
    "АО",
    "ЗАО",
    "ОАО",
    "ПАО",
    "ООО",
    "ИП",
    "AO",
    "ZAO",
    "OAO",
    "PAO",
    "OOO",
    "JSC",
    "PJSC",
    "OJSC",
    "CJSC",
    "株式会社",
    "Kabushiki Kaisha",
)

# Chinese words that become English words before transliteration, so that 华为技术有限公司 and
# "Huawei Technologies Co., Ltd." normalise alike and the matcher can tell generic words from a brand.
# Longest words are tried first; a word not listed stays one pinyin token ("海康威视" -> "haikangweishi").
CHINESE_WORDS: dict[str, str] = {
    # legal forms
    "股份有限公司": "Co., Ltd.",
    "有限责任公司": "LLC",
    "有限公司": "Co., Ltd.",
    "股份公司": "Co.",
    "分公司": "Branch",
    "公司": "Company",
    "集团": "Group",
    "有限": "Limited",
    "责任": "Liability",
    "股份": "Joint Stock",
    "株式会社": "Kabushiki Kaisha",
    "有限会社": "Yugen Kaisha",
    # what the company does
    "技术": "Technology",
    "科技": "Technology",
    "通信": "Communication",
    "通讯": "Communication",
    "电信": "Telecom",
    "数字": "Digital",
    "数码": "Digital",
    "半导体": "Semiconductor",
    "微电子": "Microelectronics",
    "电子": "Electronics",
    "光电": "Optoelectronics",
    "网络": "Network",
    "系统": "System",
    "设备": "Equipment",
    "终端": "Terminal",
    "软件": "Software",
    "信息": "Information",
    "智能": "Intelligent",
    "控股": "Holding",
    "投资": "Investment",
    "国际": "International",
    "实业": "Industrial",
    "工业": "Industry",
    "贸易": "Trading",
    "电缆": "Cable",
    "光纤": "Fiber",
    "移动": "Mobile",
    "云计算": "Cloud Computing",
    "电气": "Electric",
    "仪器": "Instrument",
    "创新": "Innovation",
    # places
    "中国": "China",
    "深圳": "Shenzhen",
    "深圳市": "Shenzhen",
    "杭州": "Hangzhou",
    "杭州市": "Hangzhou",
    "浙江": "Zhejiang",
    "浙江省": "Zhejiang",
    "北京": "Beijing",
    "北京市": "Beijing",
    "上海": "Shanghai",
    "上海市": "Shanghai",
    "广州": "Guangzhou",
    "广东": "Guangdong",
    "江苏": "Jiangsu",
    "苏州": "Suzhou",
    "成都": "Chengdu",
    "武汉": "Wuhan",
    "南京": "Nanjing",
    "天津": "Tianjin",
    "香港": "Hong Kong",
}

# Cyrillic words whose plain transliteration would be ambiguous in Latin text ("IP" is also a company name).
CYRILLIC_WORDS: dict[str, str] = {
    "ип": "Individual Entrepreneur",
}

LEADING_LEGAL_FORMS += ("Individual Entrepreneur",)
TRAILING_LEGAL_FORMS["Russian (Cyrillic and Latin)"] += ("ИП", "Individual Entrepreneur")

# Spelling variants folded into one word, so "Huawei Tech. Co Ltd" equals "Huawei Technologies Co., Ltd.".
# A value is never itself a key: folding twice changes nothing.
WORD_VARIANTS: dict[str, str] = {
    "technologies": "technology",
    "tech": "technology",
    "technologie": "technology",
    "communications": "communication",
    "comms": "communication",
    "telecommunications": "telecommunication",
    "telecoms": "telecom",
    "systems": "system",
    "networks": "network",
    "electronics": "electronic",
    "holdings": "holding",
    "solutions": "solution",
    "devices": "device",
    "services": "service",
    "products": "product",
    "industries": "industry",
    "labs": "lab",
    "laboratories": "laboratory",
    "intl": "international",
    "instruments": "instrument",
    "components": "component",
    "semiconductors": "semiconductor",
    "microelectronics": "microelectronic",
    "optoelectronics": "optoelectronic",
    "resellers": "reseller",
    "distributors": "distributor",
    "enterprises": "enterprise",
    "ventures": "venture",
    "partners": "partner",
    "resources": "resource",
    "investments": "investment",
    "controls": "control",
    "cables": "cable",
    "sciences": "science",
    "terminals": "terminal",
    "equipments": "equipment",
    "engineers": "engineer",
}

# Words that say what a company does or where it is, not who it is: a shared one is no evidence of a match.
# Whitespace-separated; plural and abbreviated spellings are folded by WORD_VARIANTS first.
GENERIC_WORDS = """
    technology technological communication telecommunication telecom digital system electronic electric
    electrical network international global worldwide group holding company corporation enterprise
    equipment device solution service product industry industrial manufacturing manufacturer trading trade
    import export supply supplies distribution distributor reseller logistics engineering engineer software
    hardware semiconductor microelectronic optoelectronic optical optic photonics fiber fibre cable wireless
    mobile radio video security surveillance intelligent smart cloud computing data information info it
    science scientific research development lab laboratory innovation innovative investment capital partner
    venture resource power energy instrument component part automation control robotics media broadband
    satellite infrastructure integration consulting management terminal construction new general united
    national advanced precision micro first com net online branch operations operation
    china chinese prc shenzhen hangzhou zhejiang beijing shanghai guangzhou guangdong jiangsu suzhou chengdu
    wuhan nanjing tianjin hong kong taiwan asia asian pacific europe european america americas american usa
    us uk gb germany north south east west
    telecomunicaciones telecomunicacoes telecomunicazioni telekommunikation tecnologia tecnologias tecnologie
    technik elektronik electronica comunicaciones comunicacoes sistemas systeme redes servicios soluciones
    industrie ingenieria internacional internationale grupo gruppe groupe aktiebolag aktiebolaget
    telefonaktiebolaget
    and the of for de la du des der und et y
"""

# Words dropped wherever they stand (the rest of the name must stay non-empty).
STOPWORDS: tuple[str, ...] = ("and", "the", "of", "und", "et")

# Generic words that may end a listed name without changing which company it is: "Huawei" is
# "Huawei Technologies", "Dahua" is "Dahua Technology". ("Digital" is left out: "Huawei Digital
# Technologies" is another company of the group.)
DESCRIPTOR_WORDS: tuple[str, ...] = (
    "technology",
    "communication",
    "telecommunication",
    "telecom",
    "electronic",
)

# A whole cell that names nobody.
NO_PARTY_CELLS: tuple[str, ...] = (
    "-",
    "--",
    "---",
    "—",
    "–",
    "n/a",
    "n.a.",
    "na",
    "none",
    "nil",
    "null",
    "tbd",
    "tba",
    "?",
    "unknown",
)
