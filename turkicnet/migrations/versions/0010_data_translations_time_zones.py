"""data in the interface's languages; each person's time zone

Sections, Vision 2040 topics and events get a ``translations`` JSON column
(``{language: {field: text}}``, see ``reports/models.py``), seeded here for the rows 0003
seeded; ``users.time_zone`` holds the IANA zone a person chose.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: The events 0003 seeded, by their English title (their number may have gone to another event).
EVENTS = {
    "Workshop of economic policy research centers of the Turkic states": {
        "tr": {"title": "Türk Devletleri Ekonomi Politikası Araştırma Merkezleri Çalıştayı", "city": "Astana"},
        "ru": {"title": "Семинар исследовательских центров экономической политики тюркских государств",
               "city": "Астана"},
        "kk": {"title": "Түркі мемлекеттерінің экономикалық саясат жөніндегі зерттеу орталықтарының семинары",
               "city": "Астана"},
        "uz_Latn": {"title": "Turkiy davlatlar iqtisodiy siyosat tadqiqot markazlarining seminari",
                    "city": "Astana"},
        "az": {"title": "Türk dövlətlərinin iqtisadi siyasət üzrə tədqiqat mərkəzlərinin seminarı",
               "city": "Astana"},
        "ky": {"title": "Түрк мамлекеттеринин экономикалык саясат боюнча изилдөө борборлорунун семинары",
               "city": "Астана"},
    },
}

SECTIONS = {
    "national-development-priorities": {
        "tr": {"title": "Türk devletlerinin ulusal kalkınma öncelikleri",
               "description": "Türk devletlerinin ulusal ekonomilerinin beş yıllık kalkınma planları."},
        "ru": {"title": "Национальные приоритеты развития тюркских стран",
               "description": "Пятилетние планы развития национальных экономик тюркских государств."},
        "kk": {"title": "Түркі елдерінің ұлттық даму басымдықтары",
               "description": "Түркі мемлекеттері ұлттық экономикаларының бесжылдық даму жоспарлары."},
        "uz_Latn": {"title": "Turkiy davlatlarning milliy rivojlanish ustuvorliklari",
                    "description": "Turkiy davlatlar milliy iqtisodiyotlarining besh yillik rivojlanish "
                                   "rejalari."},
        "az": {"title": "Türk dövlətlərinin milli inkişaf prioritetləri",
               "description": "Türk dövlətlərinin milli iqtisadiyyatlarının beşillik inkişaf planları."},
        "ky": {"title": "Түрк өлкөлөрүнүн улуттук өнүгүү артыкчылыктары",
               "description": "Түрк мамлекеттеринин улуттук экономикаларынын беш жылдык өнүгүү пландары."},
    },
    "collaboration-of-research-centers": {
        "tr": {"title": "Türk ekonomi politikası araştırma merkezlerinin işbirliği",
               "description": "Türk devletlerinin araştırma merkezleri nasıl birlikte çalışır: ortak "
                              "araştırmalar, veri ve araştırmacı değişimi, ortak etkinlikler."},
        "ru": {"title": "Сотрудничество исследовательских центров экономической политики тюркских государств",
               "description": "Как исследовательские центры тюркских государств работают вместе: совместные "
                              "исследования, обмен данными и исследователями, совместные мероприятия."},
        "kk": {"title": "Түркі мемлекеттерінің экономикалық саясат зерттеу орталықтарының ынтымақтастығы",
               "description": "Түркі мемлекеттерінің зерттеу орталықтары қалай бірлесіп жұмыс істейді: "
                              "бірлескен зерттеулер, деректер мен зерттеушілер алмасу, бірлескен іс-шаралар."},
        "uz_Latn": {"title": "Turkiy davlatlar iqtisodiy siyosat tadqiqot markazlarining hamkorligi",
                    "description": "Turkiy davlatlar tadqiqot markazlari qanday hamkorlik qiladi: qoʻshma "
                                   "tadqiqotlar, maʼlumotlar va tadqiqotchilar almashinuvi, qoʻshma tadbirlar."},
        "az": {"title": "Türk dövlətlərinin iqtisadi siyasət tədqiqat mərkəzlərinin əməkdaşlığı",
               "description": "Türk dövlətlərinin tədqiqat mərkəzləri necə birgə işləyir: birgə tədqiqatlar, "
                              "məlumat və tədqiqatçı mübadiləsi, birgə tədbirlər."},
        "ky": {"title": "Түрк мамлекеттеринин экономикалык саясат изилдөө борборлорунун кызматташтыгы",
               "description": "Түрк мамлекеттеринин изилдөө борборлору кантип бирге иштейт: биргелешкен "
                              "изилдөөлөр, маалымат жана изилдөөчүлөр менен алмашуу, биргелешкен иш-чаралар."},
    },
}

#: slug → titles in tr, ru, kk, uz_Latn, az, ky
TOPICS = {
    "trade": ("Ticaret ve ticaretin kolaylaştırılması", "Торговля и упрощение процедур торговли",
              "Сауда және сауданы жеңілдету", "Savdo va savdoni soddalashtirish",
              "Ticarət və ticarətin asanlaşdırılması", "Соода жана сооданы жеңилдетүү"),
    "transport": ("Ulaştırma, lojistik ve bağlantısallık", "Транспорт, логистика и транспортная связанность",
                  "Көлік, логистика және көліктік байланыс", "Transport, logistika va transport bogʻliqligi",
                  "Nəqliyyat, logistika və nəqliyyat əlaqələri", "Транспорт, логистика жана транспорттук байланыш"),
    "energy": ("Enerji", "Энергетика", "Энергетика", "Energetika", "Enerji", "Энергетика"),
    "digital": ("Dijital dönüşüm", "Цифровая трансформация", "Цифрлық трансформация",
                "Raqamli transformatsiya", "Rəqəmsal transformasiya", "Санариптик трансформация"),
    "agriculture": ("Tarım ve gıda güvenliği", "Сельское хозяйство и продовольственная безопасность",
                    "Ауыл шаруашылығы және азық-түлік қауіпсіздігі", "Qishloq xoʻjaligi va oziq-ovqat xavfsizligi",
                    "Kənd təsərrüfatı və ərzaq təhlükəsizliyi", "Айыл чарба жана азык-түлүк коопсуздугу"),
    "investment": ("Finans ve yatırım", "Финансы и инвестиции", "Қаржы және инвестициялар",
                   "Moliya va investitsiyalar", "Maliyyə və investisiyalar", "Каржы жана инвестициялар"),
    "sme": ("Küçük ve orta büyüklükteki işletmeler", "Малые и средние предприятия",
            "Шағын және орта кәсіпорындар", "Kichik va oʻrta korxonalar",
            "Kiçik və orta sahibkarlıq subyektləri", "Чакан жана орто ишканалар"),
    "customs": ("Gümrük işbirliği", "Таможенное сотрудничество", "Кеден ынтымақтастығы",
                "Bojxona hamkorligi", "Gömrük əməkdaşlığı", "Бажы кызматташтыгы"),
    "tourism": ("Turizm", "Туризм", "Туризм", "Turizm", "Turizm", "Туризм"),
    "environment": ("Çevre ve iklim", "Окружающая среда и климат", "Қоршаған орта және климат",
                    "Atrof-muhit va iqlim", "Ətraf mühit və iqlim", "Айлана-чөйрө жана климат"),
    "education": ("Eğitim, bilim ve yenilik", "Образование, наука и инновации", "Білім, ғылым және инновациялар",
                  "Taʼlim, fan va innovatsiyalar", "Təhsil, elm və innovasiyalar",
                  "Билим берүү, илим жана инновациялар"),
    "statistics": ("İstatistik ve veri", "Статистика и данные", "Статистика және деректер",
                   "Statistika va maʼlumotlar", "Statistika və məlumatlar", "Статистика жана маалыматтар"),
}
LANGUAGES = ("tr", "ru", "kk", "uz_Latn", "az", "ky")


def upgrade():
    # Columns only, so SQLite's batch mode alters the tables in place: copying ``sections`` or
    # ``users`` would drop and re-create them, and what references them would cascade.
    for table in ('events', 'sections', 'topics'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    _seed()


def _seed():
    """The translations of the event, sections and topics 0003 seeded (found by title or slug)."""
    events = sa.table("events", sa.column("title", sa.String), sa.column("translations", sa.JSON))
    for title, translations in EVENTS.items():
        op.execute(events.update().where(events.c.title == title).values(translations=translations))
    sections = sa.table("sections", sa.column("slug", sa.String), sa.column("translations", sa.JSON))
    for slug, translations in SECTIONS.items():
        op.execute(sections.update().where(sections.c.slug == slug).values(translations=translations))
    topics = sa.table("topics", sa.column("slug", sa.String), sa.column("translations", sa.JSON))
    for slug, titles in TOPICS.items():
        translations = {language: {"title": title} for language, title in zip(LANGUAGES, titles, strict=True)}
        op.execute(topics.update().where(topics.c.slug == slug).values(translations=translations))


def downgrade():
    # Outside batch mode for the same reason: SQLite (3.35 and later) drops a column in place.
    op.drop_column('users', 'time_zone')
    for table in ('topics', 'sections', 'events'):
        op.drop_column(table, 'translations')
