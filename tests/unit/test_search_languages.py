"""Search across languages, on SQLite and PostgreSQL alike: a query in English, Chinese, Vietnamese
(with or without its accents), Thai (no spaces between words), Indonesian or Malay finds the booths
and products written or translated in it, category names bridge languages, and the language facet
counts and filters what each result is available in."""

from __future__ import annotations

import pytest

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.exhibition import services
from expo.exhibition.search_index import (
    parse_query,
    rebuild_search_text,
    searchable_text,
)
from expo.exhibition.services import BOOTHS, PRODUCTS, SearchCriteria
from expo.extensions import db
from tests.search_helpers import first_ten

# (company fields, booth fields, [(category slug, product fields)]): each record in its source
# language with translations, as exhibitors write them. Keys of PRODUCT_IDS are the products'
# English names (their source name or their English translation).
EXHIBITORS = [
    (
        {
            "name": "Selangor Glove Industries",
            "country": "MY",
            "sector": "Protective equipment",
            "translations": {"zh": {"name": "雪兰莪手套工业"}, "ms": {"name": "Industri Sarung Tangan Selangor"}},
        },
        {
            "tagline": "Nitrile and latex gloves from Klang",
            "translations": {"ms": {"tagline": "Sarung tangan nitril dan lateks dari Klang"}},
        },
        [
            (
                "protective-equipment",
                {
                    "name": "Nitrile Examination Gloves",
                    "description": "Blue powder-free gloves for clinics.",
                    "translations": {
                        "zh": {"name": "丁腈检查手套", "description": "蓝色无粉丁腈手套，适用于诊所。"},
                        "ms": {"name": "Sarung Tangan Pemeriksaan Nitril"},
                        "id": {"name": "Sarung Tangan Periksa Nitril"},
                        "th": {"name": "ถุงมือตรวจโรคไนไตรล์", "description": "ถุงมือสีฟ้าไม่มีแป้ง"},
                        "vi": {"name": "Găng tay khám bệnh nitrile"},
                    },
                },
            ),
            # Written in English only: found in other languages through its category alone.
            ("protective-equipment", {"name": "Latex Surgical Gloves", "description": "Sterile, beaded cuffs."}),
        ],
    ),
    (
        {
            "name": "南宁口罩机械有限公司",
            "country": "CN",
            "sector": "Protective equipment",
            "source_language": "zh",
            "translations": {"en": {"name": "Nanning Mask Machinery Co."}, "th": {"name": "บริษัทเครื่องจักรหน้ากากหนานหนิง"}},
        },
        {
            "tagline": "口罩生产线日夜运转",
            "source_language": "zh",
            "translations": {
                "en": {"tagline": "Mask production lines that run day and night"},
                "vi": {"tagline": "Dây chuyền sản xuất khẩu trang chạy ngày đêm"},
            },
        },
        [
            (
                "production-machinery",
                {
                    "name": "全自动平面口罩机",
                    "source_language": "zh",
                    "description": "每分钟生产一百二十只口罩。",
                    "translations": {
                        "en": {"name": "Fully Automatic Flat Mask Machine"},
                        "vi": {"name": "Máy sản xuất khẩu trang tự động"},
                        "th": {"name": "เครื่องผลิตหน้ากากอนามัยอัตโนมัติ"},
                        "id": {"name": "Mesin masker datar otomatis"},
                        "ms": {"name": "Mesin pembuat topeng muka automatik"},
                    },
                },
            ),
            (
                "production-machinery",
                {
                    "name": "KN95口罩生产线",
                    "source_language": "zh",
                    "translations": {"en": {"name": "KN95 Mask Production Line"}},
                },
            ),
        ],
    ),
    (
        {
            "name": "Công ty Vật tư Y tế Sài Gòn",
            "country": "VN",
            "sector": "Medical supplies",
            "source_language": "vi",
            "translations": {"en": {"name": "Saigon Medical Supplies"}},
        },
        {"tagline": "Khẩu trang và vật tư y tế", "source_language": "vi"},
        [
            (
                "masks-respirators",
                {
                    "name": "Khẩu trang y tế 4 lớp",
                    "source_language": "vi",
                    "translations": {
                        "en": {"name": "Four-ply medical face mask"},
                        "zh": {"name": "四层医用口罩"},
                        "th": {"name": "หน้ากากอนามัย 4 ชั้น"},
                        "id": {"name": "Masker medis 4 lapis"},
                        "ms": {"name": "Topeng muka perubatan 4 lapis"},
                    },
                },
            ),
            (
                "coffee-tea",
                {
                    "name": "Cà phê Robusta Đắk Lắk",
                    "source_language": "vi",
                    "translations": {
                        "en": {"name": "Dak Lak Robusta coffee beans"},
                        "zh": {"name": "得乐罗布斯塔咖啡豆"},
                        "th": {"name": "เมล็ดกาแฟโรบัสต้าดักลัก"},
                        "id": {"name": "Biji kopi Robusta Dak Lak"},
                    },
                },
            ),
        ],
    ),
    (
        {
            "name": "ทุเรียนจันทบุรี",
            "country": "TH",
            "sector": "Tropical fruit",
            "source_language": "th",
            "translations": {"en": {"name": "Chanthaburi Durian Co."}},
        },
        {"tagline": "ทุเรียนสดและแช่แข็งส่งออก", "source_language": "th"},
        [
            (
                "tropical-fruit",
                {
                    "name": "ทุเรียนหมอนทองแช่แข็ง",
                    "source_language": "th",
                    "translations": {
                        "en": {"name": "Frozen Monthong durian"},
                        "zh": {"name": "冷冻金枕榴莲"},
                        "vi": {"name": "Sầu riêng Monthong đông lạnh"},
                        "id": {"name": "Durian Monthong beku"},
                        "ms": {"name": "Durian Monthong sejuk beku"},
                    },
                },
            ),
            (
                "rice-grains",
                {
                    "name": "ข้าวหอมมะลิ",
                    "source_language": "th",
                    "translations": {
                        "en": {"name": "Hom Mali jasmine rice"},
                        "zh": {"name": "泰国茉莉香米"},
                        "ms": {"name": "Beras wangi Hom Mali"},
                        "id": {"name": "Beras melati Hom Mali"},
                    },
                },
            ),
        ],
    ),
    (
        {
            "name": "Jamu Jawa Sehat",
            "country": "ID",
            "sector": "Herbal medicine",
            "source_language": "id",
            "translations": {"en": {"name": "Java Healthy Herbs"}},
        },
        {"tagline": "Jamu tradisional dari Jawa Tengah", "source_language": "id"},
        [
            (
                "coffee-tea",
                {
                    "name": "Kopi Luwak Jawa",
                    "source_language": "id",
                    "translations": {"en": {"name": "Java civet coffee"}, "zh": {"name": "爪哇麝香猫咖啡"}},
                },
            ),
            (
                "herbal-medicine",
                {
                    "name": "Jamu kunyit asam",
                    "source_language": "id",
                    "translations": {"en": {"name": "Turmeric tamarind herbal drink"}},
                },
            ),
            (
                "herbal-medicine",
                {"name": "Minyak kayu putih", "source_language": "id", "translations": {"en": {"name": "Cajeput oil"}}},
            ),
        ],
    ),
    (
        {
            "name": "Rempah Pulau Pinang",
            "country": "MY",
            "sector": "Spices",
            "source_language": "ms",
            "translations": {"en": {"name": "Penang Spices"}},
        },
        {"tagline": "Rempah dari Sarawak dan Pulau Pinang", "source_language": "ms"},
        [
            (
                "spices-condiments",
                {
                    "name": "Lada hitam Sarawak",
                    "source_language": "ms",
                    "description": "Rempah pilihan dari Sarawak.",
                    "translations": {"en": {"name": "Sarawak black pepper"}, "zh": {"name": "砂拉越黑胡椒"}},
                },
            ),
            (
                "spices-condiments",
                {
                    "name": "Sos cili manis",
                    "source_language": "ms",
                    "translations": {"en": {"name": "Sweet chili sauce"}},
                },
            ),
        ],
    ),
]
# English-only products around them, so that "in the top ten" means something.
FILLERS = [
    ("protective-equipment", "Disposable isolation gown"),
    ("protective-equipment", "Safety goggles"),
    ("protective-equipment", "Shoe covers"),
    ("protective-equipment", "Protective coverall"),
    ("masks-respirators", "Activated carbon mask"),
    ("masks-respirators", "Children's face mask"),
    ("masks-respirators", "FFP2 mask"),
    ("production-machinery", "Rice milling machine"),
    ("production-machinery", "Tablet press"),
    ("production-machinery", "Capsule filling machine"),
    ("coffee-tea", "Oolong tea"),
    ("coffee-tea", "Green tea"),
    ("coffee-tea", "Instant coffee"),
    ("tropical-fruit", "Dried mango"),
    ("tropical-fruit", "Fresh mangosteen"),
    ("tropical-fruit", "Durian cake"),
    ("rice-grains", "Glutinous rice"),
    ("rice-grains", "Brown rice"),
    ("spices-condiments", "Cinnamon sticks"),
    ("spices-condiments", "Fish sauce"),
    ("herbal-medicine", "Ginseng root extract"),
    ("herbal-medicine", "Tiger herbal balm"),
    ("diagnostics", "Infrared thermometer"),
    ("medical-devices", "Patient monitor"),
    ("pharmaceuticals", "Paracetamol tablets"),
]

GLOVES, LATEX = "Nitrile Examination Gloves", "Latex Surgical Gloves"
MASK_MACHINE, KN95_LINE = "Fully Automatic Flat Mask Machine", "KN95 Mask Production Line"
FACE_MASK, ROBUSTA = "Four-ply medical face mask", "Dak Lak Robusta coffee beans"
DURIAN, RICE = "Frozen Monthong durian", "Hom Mali jasmine rice"
LUWAK, JAMU, CAJEPUT = "Java civet coffee", "Turmeric tamarind herbal drink", "Cajeput oil"
PEPPER, CHILI = "Sarawak black pepper", "Sweet chili sauce"

# (language, query, the product expected among the first ten)
QUERIES = [
    ("en", "nitrile gloves", GLOVES),
    ("en", "glove", LATEX),
    ("en", "mask machine", MASK_MACHINE),
    ("en", "KN95 production line", KN95_LINE),
    ("en", "durian", DURIAN),
    ("en", "jasmine rice", RICE),
    ("en", "robusta", ROBUSTA),
    ("en", "civet coffee", LUWAK),
    ("en", "black pepper", PEPPER),
    ("en", "sweet chili", CHILI),
    ("en", "cajeput", CAJEPUT),
    ("en", "face mask", FACE_MASK),
    ("zh", "口罩", FACE_MASK),
    ("zh", "口罩机", MASK_MACHINE),
    ("zh", "手套", GLOVES),
    ("zh", "手套", LATEX),  # English only: 手套 is a word of its category, Protective equipment
    ("zh", "丁腈手套", GLOVES),
    ("zh", "榴莲", DURIAN),
    ("zh", "茉莉香米", RICE),
    ("zh", "咖啡", ROBUSTA),
    ("zh", "黑胡椒", PEPPER),
    ("zh", "生产线", KN95_LINE),
    ("zh", "南宁", MASK_MACHINE),
    ("zh", "马来西亚 手套", LATEX),  # the booth's country in Chinese, the category's word
    ("vi", "khẩu trang", FACE_MASK),
    ("vi", "khau trang", FACE_MASK),
    ("vi", "găng tay", GLOVES),
    ("vi", "gang tay", GLOVES),
    ("vi", "sầu riêng", DURIAN),
    ("vi", "sau rieng", DURIAN),
    ("vi", "cà phê", ROBUSTA),
    ("vi", "ca phe robusta", ROBUSTA),
    ("vi", "máy sản xuất khẩu trang", MASK_MACHINE),
    ("vi", "Đắk Lắk", ROBUSTA),
    ("vi", "dak lak", ROBUSTA),
    ("th", "ถุงมือ", GLOVES),
    ("th", "หน้ากากอนามัย", FACE_MASK),
    ("th", "ทุเรียน", DURIAN),
    ("th", "ข้าวหอมมะลิ", RICE),
    ("th", "หอมมะลิ", RICE),
    ("th", "แช่แข็ง", DURIAN),
    ("th", "เครื่องผลิตหน้ากาก", MASK_MACHINE),
    ("th", "หมอนทอง", DURIAN),
    ("th", "ไนไตรล์", GLOVES),
    ("th", "กาแฟ", ROBUSTA),
    ("th", "ทุเรียนจันทบุรี", DURIAN),
    ("id", "sarung tangan", GLOVES),
    ("id", "masker medis", FACE_MASK),
    ("id", "kopi luwak", LUWAK),
    ("id", "jamu", JAMU),
    ("id", "kunyit", JAMU),
    ("id", "minyak kayu putih", CAJEPUT),
    ("id", "beras melati", RICE),
    ("id", "durian beku", DURIAN),
    ("id", "mesin masker", MASK_MACHINE),
    ("id", "kopi robusta", ROBUSTA),
    ("ms", "sarung tangan nitril", GLOVES),
    ("ms", "lada hitam", PEPPER),
    ("ms", "sos cili", CHILI),
    ("ms", "beras wangi", RICE),
    ("ms", "topeng muka", FACE_MASK),
    ("ms", "durian sejuk beku", DURIAN),
    ("ms", "mesin topeng", MASK_MACHINE),
    ("ms", "rempah", PEPPER),
    ("ms", "perubatan", FACE_MASK),
    ("ms", "Pulau Pinang", CHILI),
]


@pytest.fixture()
def catalogue(app, factory) -> dict[str, int]:
    """The exhibitors above and the fillers, in one commit; English product name -> product id."""
    from expo.exhibitors.models import ExhibitorCompany

    categories = factory.categories()
    with app.app_context():
        products: dict[str, Product] = {}

        def booth_of(number: int, company_fields: dict, booth_fields: dict) -> Booth:
            company = ExhibitorCompany(
                slug=f"exhibitor-{number}", status=ExhibitorCompany.Status.APPROVED, **company_fields
            )
            return Booth(
                company=company,
                slug=f"exhibitor-{number}",
                country=company.country,
                status=Booth.Status.PUBLISHED,
                **booth_fields,
            )

        fillers = booth_of(0, {"name": "Guangxi General Trading", "country": "CN"}, {})
        db.session.add(fillers)
        for number, (company_fields, booth_fields, items) in enumerate(EXHIBITORS, start=1):
            booth = booth_of(number, company_fields, booth_fields)
            db.session.add(booth)
            for position, (slug, fields) in enumerate(items):
                english = fields.get("translations", {}).get("en", {}).get("name") or fields["name"]
                products[english] = Product(
                    booth=booth, slug=f"item-{position}", position=position, category_id=categories[slug], **fields
                )
                db.session.add(products[english])
        for position, (slug, name) in enumerate(FILLERS):
            db.session.add(
                Product(
                    booth=fillers, slug=f"filler-{position}", position=position, name=name, category_id=categories[slug]
                )
            )
        db.session.commit()
        return {name: product.id for name, product in products.items()}


def test_the_queries_cover_six_languages_ten_times_each():
    languages = {}
    for language, _query, _expected in QUERIES:
        languages[language] = languages.get(language, 0) + 1
    assert set(languages) == {"en", "zh", "vi", "th", "id", "ms"} and min(languages.values()) >= 10
    assert len(QUERIES) >= 60


@pytest.mark.parametrize(
    ("language", "query", "expected"), QUERIES, ids=[f"{language}-{query}" for language, query, _ in QUERIES]
)
def test_a_query_in_any_language_finds_the_record_written_or_translated_in_it(
    app, catalogue, language, query, expected
):
    assert catalogue[expected] in first_ten(app, query), f"{query!r} ({language}) should find {expected!r}"


def test_thai_with_no_spaces_is_matched_by_its_letter_pairs_and_nothing_else(app, catalogue):
    # The glove named in Thai first; the category's Thai words (the catalogue's) bring the rest of
    # protective equipment after it.
    assert first_ten(app, "ถุงมือ")[0] == catalogue[GLOVES]
    assert first_ten(app, "มือถุง") == []  # the same letters in another order are another word
    # One Thai letter is no word: the pairs starting with it, no error.
    with app.test_request_context():
        services.search(SearchCriteria(text="ก"))


@pytest.fixture()
def phrases(factory, exhibitor) -> dict[str, int]:
    """Products whose texts hold a run's letter pairs together, apart, or in another order."""
    booth = exhibitor("Phrase Test Trading", "CN")
    texts = {
        # 口罩机 (mask machine) as one word, inside a longer run.
        "mask machine": {"name": "全自动口罩机", "description": "每分钟一百二十只。"},
        # 口罩 in one sentence, 罩机 in another: every pair of 口罩机, never together.
        "dust mask": {"name": "防尘口罩", "description": "防护罩机身采用不锈钢。"},
        # 罩机 before 口罩 in one run: the pairs, not in their order.
        "cover": {"name": "罩机口罩架"},
        # ถุงมือยาง (rubber gloves) as one word.
        "rubber gloves": {"name": "ถุงมือยางธรรมชาติ"},
        # Every pair of ถุงมือยาง (ถุง งมื มือ อย ยา าง) spread over three words: cloth gloves,
        # rubber boots, a low price.
        "cloth gloves": {"name": "ถุงมือผ้า", "description": "รองเท้ายาง ราคาน้อย"},
    }
    return {key: factory.product(booth, **fields).id for key, fields in texts.items()}


def test_letters_typed_together_match_only_where_they_stand_together_in_order(app, phrases):
    """A run typed without spaces is a phrase of its letter pairs, on both databases: 口罩机 finds
    the mask machine, not a text with 口罩 and 罩机 apart or 罩机 before 口罩; likewise in Thai."""
    assert set(first_ten(app, "口罩机")) == {phrases["mask machine"]}
    assert set(first_ten(app, "ถุงมือยาง")) == {phrases["rubber gloves"]}
    assert set(first_ten(app, "罩机口罩")) == {phrases["cover"]}
    # Shorter runs are still found inside longer ones, wherever they stand.
    assert set(first_ten(app, "口罩")) == {phrases["mask machine"], phrases["dust mask"], phrases["cover"]}
    assert set(first_ten(app, "ถุงมือ")) == {phrases["rubber gloves"], phrases["cloth gloves"]}


def test_words_typed_apart_must_each_be_there_anywhere(app, phrases):
    """Spaces keep their meaning: each word must appear, in any order, in any part of the text."""
    both = {phrases["mask machine"], phrases["dust mask"], phrases["cover"]}
    assert set(first_ten(app, "口罩 罩机")) == both
    assert set(first_ten(app, "罩机 口罩")) == both
    assert set(first_ten(app, "ถุงมือ ยาง")) == {phrases["rubber gloves"], phrases["cloth gloves"]}
    assert set(first_ten(app, "口罩机 不锈钢")) == set()  # the machine says nothing of steel
    assert set(first_ten(app, "口罩 不锈钢")) == {phrases["dust mask"]}


def test_a_record_named_in_the_language_ranks_above_one_found_through_its_category(app, catalogue):
    """手套 in a product's own (translated) name beats 手套 among its category's words."""
    found = first_ten(app, "手套")
    assert found.index(catalogue[GLOVES]) < found.index(catalogue[LATEX])
    found = first_ten(app, "ถุงมือ")
    assert found.index(catalogue[GLOVES]) < found.index(catalogue[LATEX])


def test_booths_are_found_by_their_company_name_and_tagline_in_every_language(app, catalogue):
    def booths(text: str) -> list[str]:
        with app.test_request_context():
            return [booth.company.name for booth in services.search(SearchCriteria(text=text, kind=BOOTHS)).page.items]

    assert booths("口罩机") == ["南宁口罩机械有限公司"]
    assert booths("nanning mask machinery") == ["南宁口罩机械有限公司"]
    assert booths("khau trang") == ["Công ty Vật tư Y tế Sài Gòn", "南宁口罩机械有限公司"] or set(
        booths("khau trang")
    ) == {"Công ty Vật tư Y tế Sài Gòn", "南宁口罩机械有限公司"}
    assert booths("หน้ากาก") == ["南宁口罩机械有限公司"]  # the company's Thai name
    assert booths("sarung tangan") == ["Selangor Glove Industries"]
    assert booths("chanthaburi") == ["ทุเรียนจันทบุรี"]


def test_the_language_facet_counts_what_results_are_available_in_and_filters_by_it(app, catalogue):
    with app.test_request_context():
        results = services.search(SearchCriteria(text="durian"))
        # The Thai durian in six languages, the rice of "Chanthaburi Durian Co." in five, the
        # filler durian cake in English only, and two English-only fruits whose category's words
        # say "durian" in Indonesian and Malay (where the word is the same).
        assert {item.id for item in results.page.items} >= {catalogue[DURIAN], catalogue[RICE]}
        languages = {code: count.value for code, count in results.facets.languages}
        assert languages == {"en": 5, "th": 2, "zh": 2, "id": 2, "ms": 2, "vi": 1}
        assert [code for code, _count in results.facets.languages][:1] == ["en"]  # most results first
        thai = services.search(SearchCriteria(text="durian", language="th"))
        assert [item.id for item in thai.page.items] == [catalogue[DURIAN], catalogue[RICE]]
        # The facet leaves its own filter out (every choice shows what it gives); the others keep it.
        assert {code: count.value for code, count in thai.facets.languages}["en"] == 5
        assert [(code, count.value) for code, count in thai.facets.countries] == [("TH", 2)]
        assert thai.counts[BOOTHS].value == 1  # the booth written in Thai
        # Without words, and for booths.
        every = services.search(SearchCriteria(language="ms"))
        assert {item.id for item in every.page.items} == {
            catalogue[GLOVES],
            catalogue[MASK_MACHINE],
            catalogue[FACE_MASK],
            catalogue[DURIAN],
            catalogue[RICE],
            catalogue[PEPPER],
            catalogue[CHILI],
        }
        booths = services.search(SearchCriteria(kind=BOOTHS, language="vi"))
        assert {booth.company.name for booth in booths.page.items} == {
            "南宁口罩机械有限公司",
            "Công ty Vật tư Y tế Sài Gòn",
        }
        counts = {code: count.value for code, count in booths.facets.languages}
        assert counts["vi"] == 2 and counts["en"] == 3 and counts["zh"] == 1


def test_the_language_filter_and_facet_on_the_page(app, client, catalogue):
    page = client.get("/search?q=durian").get_data(as_text=True)
    assert "Available in" in page and 'lang="th"' in page
    filtered = client.get("/search?q=durian&language=th").get_data(as_text=True)
    assert "Durian cake" not in filtered
    stale = client.get("/search?q=durian&language=xx")
    assert stale.status_code == 200 and "This choice is no longer available" in stale.get_data(as_text=True)


def test_filters_and_facets_are_the_same_whatever_the_language_of_the_words(app, catalogue):
    """The English, Thai, Chinese and Vietnamese words for durian, filtered to Thailand: the durian
    first, and only Thai results counted."""
    for words in ("durian", "ทุเรียน", "榴莲", "sầu riêng"):
        assert first_ten(app, words, country="TH")[0] == catalogue[DURIAN]
        assert first_ten(app, words, country="VN") == []
        with app.test_request_context():
            results = services.search(
                SearchCriteria(
                    text=words, country="TH", category_ids=(db.session.get(Product, catalogue[DURIAN]).category_id,)
                )
            )
            assert [item.id for item in results.page.items] == [catalogue[DURIAN]]
            # The country facet leaves the country filter out: Thailand among the countries offered.
            assert ("TH", 1) in [(code, count.value) for code, count in results.facets.countries]
            assert {code for code, _count in results.facets.languages} == {"en", "th", "zh", "vi", "id", "ms"}


def test_changing_a_translation_changes_what_the_record_is_found_by(app, catalogue):
    with app.app_context():
        product = db.session.get(Product, catalogue[LATEX])
        product.set_translation("th", {"name": "ถุงมือผ่าตัดลาเท็กซ์"})
        db.session.commit()
        assert db.session.get(Product, catalogue[LATEX]).language_codes == "en th"
    assert first_ten(app, "ลาเท็กซ์") == [catalogue[LATEX]]
    with app.app_context():
        product = db.session.get(Product, catalogue[LATEX])
        product.set_translation("th", {})
        db.session.commit()
        assert db.session.get(Product, catalogue[LATEX]).language_codes == "en"
    assert first_ten(app, "ลาเท็กซ์") == []


def test_renaming_the_company_in_another_language_reaches_its_booth_and_products(app, catalogue):
    from expo.exhibitors.models import ExhibitorCompany

    with app.app_context():
        booth = db.session.scalar(
            db.select(Booth).join(ExhibitorCompany).where(ExhibitorCompany.name == "Rempah Pulau Pinang")
        )
        booth.company.set_translation("th", {"name": "เครื่องเทศปีนัง"})
        db.session.commit()
    assert catalogue[PEPPER] in first_ten(app, "เครื่องเทศ")
    with app.test_request_context():
        names = [b.company.name for b in services.search(SearchCriteria(text="เครื่องเทศ", kind=BOOTHS)).page.items]
    assert names == ["Rempah Pulau Pinang"]


def test_the_rebuild_writes_what_the_listener_writes(app, catalogue):
    """rebuild_search_text (migration 0011, `flask expo reindex-search`) from the tables alone."""
    with app.app_context():
        expected = dict(db.session.execute(db.select(Product.id, Product.search_text)).all())
        expected_booths = dict(db.session.execute(db.select(Booth.id, Booth.search_text)).all())
        codes = dict(db.session.execute(db.select(Product.id, Product.language_codes)).all())
        db.session.execute(db.update(Product).values(search_text="", language_codes="en"))
        db.session.execute(db.update(Booth).values(search_text="", language_codes="en"))
        changed = rebuild_search_text(db.session.connection(), batch_size=7)
        db.session.commit()
        assert changed == len(expected) + len(expected_booths)
        assert dict(db.session.execute(db.select(Product.id, Product.search_text)).all()) == expected
        assert dict(db.session.execute(db.select(Booth.id, Booth.search_text)).all()) == expected_booths
        assert dict(db.session.execute(db.select(Product.id, Product.language_codes)).all()) == codes
        assert rebuild_search_text(db.session.connection()) == 0  # nothing left to change
    assert first_ten(app, "ถุงมือ")[0] == catalogue[GLOVES]


def test_unspaced_scripts_are_cut_the_same_way_in_the_index_and_the_query():
    indexed = searchable_text("ถุงมือยางไนไตรล์ ເຂົ້າໜຽວ ខ្មែរ")
    for pair in ("ถุง", "งมื", "มือ", "ไต", "รล์"):
        assert pair in indexed.split()
    (term,) = parse_query("ถุงมือ")
    assert term.pairs == ("ถุง", "งมื", "มือ") and set(term.pairs) <= set(indexed.split())
    # Lao and Khmer too: a letter keeps its marks.
    (lao,) = parse_query("ເຂົ້າໜຽວ")
    assert set(lao.pairs) <= set(indexed.split())
    (khmer,) = parse_query("ខ្មែរ")
    assert khmer.token in indexed.split()


def test_reindex_search_command_puts_back_what_the_index_lost(app, catalogue):
    with app.app_context():
        db.session.execute(db.update(Product).values(search_text=""))
        db.session.commit()
    assert first_ten(app, "ถุงมือ") == []
    result = app.test_cli_runner().invoke(args=["expo", "reindex-search"])
    assert result.exit_code == 0, result.output
    assert f"Re-indexed {len(catalogue) + len(FILLERS)} booths and products" in result.output
    assert first_ten(app, "ถุงมือ")[0] == catalogue[GLOVES]


def test_the_issue_queries_find_the_demo_exhibits(app):
    """Issue #10: 口罩 found 3 products and no booth where "mask" found 14 and 2, 手套 nothing where
    "gloves" found 8, 口罩机 nothing. One test: loading the demo draws a few hundred pictures."""
    from expo.catalog.models import ProductCategory
    from expo.demo.seed import load_demo_data
    from expo.exhibitors.models import ExhibitorCompany

    def ids(text: str, kind: str = PRODUCTS) -> set[int]:
        with app.test_request_context():
            return {item.id for item in services.search(SearchCriteria(text=text, kind=kind)).page.items}

    with app.app_context():
        load_demo_data()
        db.session.commit()

        def in_category(slug):
            return set(
                db.session.scalars(
                    db.select(Product.id)
                    .join(ProductCategory)
                    .where(ProductCategory.slug == slug, Product.booth.has(status=Booth.Status.PUBLISHED))
                )
            )

        masks, protective = in_category("masks-respirators"), in_category("protective-equipment")
        gloves = set(
            db.session.scalars(db.select(Product.id).where(Product.id.in_(protective), Product.name.ilike("%glove%")))
        )
        nanning = db.session.scalar(
            db.select(Booth.id).join(ExhibitorCompany).where(ExhibitorCompany.name.like("Nanning Mask Machinery%"))
        )
    assert len(gloves) >= 6 and ids("gloves") >= gloves
    # Through the category tree, whatever language the products are written in.
    assert ids("口罩") >= masks and ids("手套") >= gloves
    mask_booths = ids("mask", BOOTHS)
    assert len(mask_booths) >= 2 and ids("口罩", BOOTHS) >= mask_booths
    assert nanning in ids("口罩机", BOOTHS)
