"""What the demo network holds: its people, centers, staff, signatures and reports (data only).

The centers are modelled on organisations named at the 2023 Astana workshop; every person
is fictional.
"""

DEMO_PASSWORD = "astana workshop demo 2023"  # noqa: S105 - demo data, printed by seed-demo
ADMIN_EMAIL = "secretariat@demo.turkicnet.org"

# (key, e-mail, full name, position); the key is the role column seed-demo prints
PEOPLE = [
    ("admin", ADMIN_EMAIL, "Aigerim Sadykova", "Secretariat coordinator"),
    ("cerr", "dilnoza.karimova@demo.turkicnet.org", "Dilnoza Karimova", "Director"),
    ("cerr-editor", "jasur.aliyev@demo.turkicnet.org", "Jasur Aliyev", "Senior researcher"),
    ("eri", "nurlan.bekov@demo.turkicnet.org", "Nurlan Bekov", "Deputy director"),
    ("niss", "aida.toktogulova@demo.turkicnet.org", "Aida Toktogulova", "Head of economic studies"),
    ("caerc", "rashad.mammadov@demo.turkicnet.org", "Rashad Mammadov", "Head of international relations"),
    ("tepav", "elif.yilmaz@demo.turkicnet.org", "Elif Yılmaz", "Programme director"),
    ("kiss", "marat.seitkali@demo.turkicnet.org", "Marat Seitkali", "Chief researcher"),
    ("hiia", "eszter.nagy@demo.turkicnet.org", "Eszter Nagy", "Research fellow"),
    ("ispr", "merdan.annayev@demo.turkicnet.org", "Merdan Annayev", "Head of department"),
    ("viewer", "saule.abenova@demo.turkicnet.org", "Saule Abenova", "Analyst"),
]

# (applicant's person key, the slug apply_center gives it, details, the Secretariat's decision)
CENTERS = [
    (
        "cerr",
        "cerr-uz",
        dict(
            name="Center for Economic Research and Reforms",
            native_name="Iqtisodiy tadqiqotlar va islohotlar markazi",
            acronym="CERR",
            country_code="UZ",
            city="Tashkent",
            website="https://cerr.uz",
            kind="government_agency",
            parent_body="Administration of the President of the Republic of Uzbekistan",
            description="Analyses economic reforms and prepares proposals on national development strategy.",
            founded_year=2016,
        ),
        "approve",
    ),
    (
        "eri",
        "eri-kz",
        dict(
            name="Economic Research Institute",
            native_name="Экономикалық зерттеулер институты",
            acronym="ERI",
            country_code="KZ",
            city="Astana",
            website="https://economy.kz",
            kind="government_agency",
            parent_body="Ministry of National Economy of the Republic of Kazakhstan",
            description="Research on economic policy, strategic planning and regional development.",
            founded_year=2005,
        ),
        "approve",
    ),
    (
        "niss",
        "niss-kg",
        dict(
            name="National Institute for Strategic Studies of the Kyrgyz Republic",
            native_name="Кыргыз Республикасынын Улуттук стратегиялык изилдөөлөр институту",
            acronym="NISS",
            country_code="KG",
            city="Bishkek",
            website="https://niss.gov.kg",
            kind="government_agency",
            parent_body="Administration of the President of the Kyrgyz Republic",
            description="Strategic research for the state bodies of the Kyrgyz Republic.",
            founded_year=2004,
        ),
        "approve",
    ),
    (
        "caerc",
        "caerc-az",
        dict(
            name="Center for Analysis of Economic Reforms and Communication",
            native_name="İqtisadi İslahatların Təhlili və Kommunikasiya Mərkəzi",
            acronym="CAERC",
            country_code="AZ",
            city="Baku",
            website="https://ereforms.gov.az",
            kind="government_agency",
            parent_body="Government of the Republic of Azerbaijan",
            description="Monitors and analyses economic reforms and communicates them to the public.",
            founded_year=2015,
        ),
        "approve",
    ),
    (
        "tepav",
        "tepav-tr",
        dict(
            name="Economic Policy Research Foundation of Türkiye",
            native_name="Türkiye Ekonomi Politikaları Araştırma Vakfı",
            acronym="TEPAV",
            country_code="TR",
            city="Ankara",
            website="https://www.tepav.org.tr",
            kind="independent",
            parent_body="",
            description="Independent think tank on economic policy, trade and regional cooperation.",
            founded_year=2004,
        ),
        "approve",
    ),
    (
        "kiss",
        "kaziss-kz",
        dict(
            name="Kazakhstan Institute for Strategic Studies",
            native_name="Қазақстан стратегиялық зерттеулер институты",
            acronym="KazISS",
            country_code="KZ",
            city="Astana",
            website="https://kisi.kz",
            kind="government_agency",
            parent_body="Office of the President of the Republic of Kazakhstan",
            description="Analytical support for the foreign and domestic policy of Kazakhstan.",
            founded_year=1993,
        ),
        "approve",
    ),
    (
        "hiia",
        "iecs-hu",
        dict(
            name="Institute for Economic Cooperation Studies",
            native_name="Gazdasági Együttműködési Kutatóintézet",
            acronym="IECS",
            country_code="HU",
            city="Budapest",
            website="https://iecs.example.hu",
            kind="academy",
            parent_body="Hungarian Academy of Sciences",
            description="Research on Hungary's economic cooperation with the Turkic states.",
            founded_year=2012,
        ),
        "pending",
    ),
    (
        "ispr",
        "isped-tm",
        dict(
            name="Institute of Strategic Planning and Economic Development",
            native_name="Strategik meýilleşdirme we ykdysady ösüş instituty",
            acronym="ISPED",
            country_code="TM",
            city="Ashgabat",
            website="https://isped.example.tm",
            kind="government_agency",
            parent_body="Ministry of Finance and Economy of Turkmenistan",
            description="Prepares national socio-economic development programmes.",
            founded_year=2014,
        ),
        "pending",
    ),
]


# (person key, the person key of the center's focal point who invites them, role)
STAFF = [
    ("cerr-editor", "cerr", "editor"),
    ("viewer", "eri", "viewer"),
]

PROTOCOL_TITLE = "Protocol on Cooperation among the Economic Policy Research Centers of the Turkic States"
PROTOCOL_LANGUAGES = ("en", "tr", "ru")  # all authentic
PROTOCOL_RULE = {"required_centers": 5, "required_states": 3}

# The centers whose signatories sign version 1 in the demo: 3 of the 5 needed.
DEMO_SIGNATORIES = ["cerr", "eri", "niss"]

# (author key, section slug, title, abstract, visibility, co-author acronyms, keywords, language)
REPORTS = [
    (
        "cerr",
        "national-development-priorities",
        "Uzbekistan's development strategy 2022–2026: priorities and progress",
        "A review of the first years of the **Development Strategy of New Uzbekistan**: growth, the business "
        "climate, privatisation and regional development, with indicators to follow.",
        "public",
        [],
        ["development strategy", "privatisation", "regional development"],
        "en",
    ),
    (
        "eri",
        "national-development-priorities",
        "Kazakhstan's national development plan to 2029: a summary",
        "The national development plan's goals for diversification, the investment climate and "
        "human capital, "
        "and how progress is measured.",
        "public",
        [],
        ["diversification", "investment climate"],
        "en",
    ),
    (
        "niss",
        "collaboration-of-research-centers",
        "Сотрудничество исследовательских центров тюркских государств",
        "Обзор форм сотрудничества: совместные исследования, обмен данными и исследователями, "
        "совместные мероприятия.",
        "public",
        [],
        ["сотрудничество", "исследования"],
        "ru",
    ),
    (
        "cerr",
        "collaboration-of-research-centers",
        "Joint study: trade facilitation along the Middle Corridor",
        "Draft findings of a joint study by CERR and ERI on customs procedures and transit times on the "
        "Trans-Caspian route.",
        "network",
        ["ERI"],
        ["middle corridor", "transit", "customs"],
        "en",
    ),
    (
        "eri",
        "national-development-priorities",
        "Regional budgets and the five-year plan (working draft)",
        "A working draft, not yet for circulation.",
        "draft",
        [],
        ["budget"],
        "en",
    ),
]
