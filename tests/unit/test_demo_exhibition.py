"""The demo exhibition: about thirty published booths across every pavilion and country of the demo edition,
with products, pictures that exist and decode, stands, and a review queue; loading it twice changes nothing."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product, ProductImage
from expo.demo.seed import load_demo_data
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.forums.models import ProgrammeSession, Speaker
from expo.i18n import PRIORITY_COUNTRIES
from expo.pavilions import services


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, ExhibitorCompany, CompanyMember, Booth, BoothPlacement, Product, ProductImage)
    }


def stored_files(app) -> set[Path]:
    root = Path(app.config["STORAGE_PATH"])
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def decoded(app, relative: str) -> Image.Image:
    with Image.open(Path(app.config["STORAGE_PATH"]) / relative) as image:
        image.load()
        return image


def test_the_demo_exhibition_fills_every_pavilion_and_loads_once(app, client):
    """One test, as loading draws a few hundred pictures: the checks share one load."""
    with app.test_request_context():
        check_the_demo_exhibition(app)
        check_the_demo_in_other_languages()
    demo_pages_read_in_chinese(app, client)
    demo_exhibitor_booth_is_visited_and_owners_cannot_log_in(app, client)


def check_the_demo_exhibition(app):
    files_before = stored_files(app)
    edition = load_demo_data()
    db.session.commit()
    loaded, files = counts(), stored_files(app)

    booths = db.session.scalars(
        select(Booth).options(
            selectinload(Booth.company).selectinload(ExhibitorCompany.members), selectinload(Booth.placements)
        )
    ).all()
    published = [booth for booth in booths if booth.is_published]
    assert 28 <= len(published) <= 32
    assert {booth.country for booth in published} == set(PRIORITY_COUNTRIES)  # China and the ten ASEAN countries
    per_pavilion = services.booth_counts(edition, published_only=True)
    assert all(per_pavilion.get(pavilion.id, 0) >= 1 for pavilion in edition.pavilions), per_pavilion
    stands = [place.stand for booth in published for place in booth.placements]
    assert len(stands) == len(published) and all(stands) and len(set(stands)) == len(stands)
    # The organizers' review queue has something in it; a draft is being written.
    assert sum(booth.status == Booth.Status.SUBMITTED for booth in booths) >= 2
    assert any(booth.status == Booth.Status.DRAFT for booth in booths)

    for booth in booths:
        company = booth.company
        assert company.status == ExhibitorCompany.Status.APPROVED and company.owner is not None
        assert company.logo_path and decoded(app, company.logo_path).size == (256, 256)
        assert booth.tagline and booth.description_html.startswith("<p>") and booth.contact_email
        assert booth.opening_hours["mon"] and booth.timezone.startswith("Asia/")
    assert Path(app.config["STORAGE_PATH"], published[0].banner_path).is_file()

    products = db.session.scalars(select(Product).options(selectinload(Product.images))).all()
    per_booth = {booth.id: sum(product.booth_id == booth.id for product in products) for booth in booths}
    assert all(5 <= count <= 12 for count in per_booth.values()), per_booth
    for product in products:
        assert product.min_order_quantity and product.order_unit and product.currency and product.description_html
        assert product.price_min is not None and product.price_max >= product.price_min
        assert len(product.images) == 1
        image = product.images[0]
        full, thumbnail = decoded(app, image.path), decoded(app, image.thumbnail_path)
        assert full.size == (image.width, image.height) == (640, 480) and max(thumbnail.size) <= 320
    assert sum(product.category_id is not None for product in products) >= len(products) - 5
    assert sum(bool(product.hs_code) for product in products) >= len(products) - 10
    assert len({product.specifications[0][0] for product in products if product.specifications}) > 20
    # Logo and banner; picture and thumbnail (the demo's compiled lead reports: tests/unit/test_demo_activity.py).
    root = Path(app.config["STORAGE_PATH"])
    pictures = {path for path in files - files_before if path.relative_to(root).parts[0] != "reports"}
    assert len(pictures) == len(booths) * 2 + len(products) * 2

    load_demo_data()
    db.session.commit()
    assert counts() == loaded and stored_files(app) == files


def demo_exhibitor_booth_is_visited_and_owners_cannot_log_in(app, client):
    with app.app_context():
        booth = db.session.scalar(
            select(Booth).join(Booth.company).where(ExhibitorCompany.name == "Nanning Mask Machinery Co.")
        )
        team = {member.user.email: member.role for member in booth.company.members}
        placement = booth.placements[0]
        product_count = db.session.scalar(select(func.count(Product.id)).where(Product.booth_id == booth.id))
        where = (placement.pavilion.name, placement.stand)
        edition_slug = placement.edition.slug
        owner_email = db.session.scalar(select(User.email).where(User.email.like("owner.%")))
    assert booth.is_published and product_count >= 5
    assert team == {"exhibitor@example.com": "owner", "staff@example.com": "staff"}
    assert where == ("Public Health and Pandemic Prevention", "A-12")
    page = client.get(f"/editions/{edition_slug}/pavilions/public-health").get_data(as_text=True)
    assert "Nanning Mask Machinery Co." in page and "Stand A-12" in page
    assert client.get(f"/booths/{booth.slug}").status_code == 200
    for password in ("", "demo-exhibitor-2026", "password123"):
        response = client.post("/login", data={"email": owner_email, "password": password})
        assert response.status_code != 302


def check_the_demo_in_other_languages():
    """Chinese, Vietnamese and Thai for every booth and product; two companies written in Thai and Chinese."""
    booths = db.session.scalars(select(Booth).options(selectinload(Booth.company))).all()
    for booth in booths:
        assert {"zh", "vi", "th"} <= set(booth.languages()), booth.company.name
        assert {"zh", "vi", "th"} <= set(booth.company.languages()), booth.company.name
    products = db.session.scalars(select(Product)).all()
    for product in products:
        assert all(product.text_in("name", language).language == language for language in ("zh", "vi", "th"))
    mask_machinery = db.session.scalar(select(Booth).where(Booth.slug == "nanning-mask-machinery"))
    assert "口罩机" in mask_machinery.text_in("tagline", "zh").text
    assert "口罩机" in mask_machinery.company.text_in("name", "zh").text.replace("口罩机械", "口罩机")
    names_zh = {product.text_in("name", "zh").text for product in products}
    assert any("口罩" in name for name in names_zh) and sum("手套" in name for name in names_zh) >= 6
    rice = db.session.scalar(
        select(ExhibitorCompany).where(ExhibitorCompany.slug == "siam-hom-mali-rice-exporters-co-ltd")
    )
    assert rice.source_language == "th" and rice.name.startswith("บริษัท สยามหอมมะลิ")
    assert rice.text_in("name", "en").text == "Siam Hom Mali Rice Exporters Co., Ltd."
    herbs = db.session.scalar(select(ExhibitorCompany).where(ExhibitorCompany.name == "广西壮药材有限公司"))
    assert herbs.source_language == "zh"
    herb_products = db.session.scalars(select(Product).join(Booth).where(Booth.company_id == herbs.id)).all()
    assert all(product.source_language == "zh" and product.translations["en"]["name"] for product in herb_products)
    assert edition_zh_name() == "第十八届中国—东盟博览会"
    # Every company's sector in Chinese, Vietnamese and Thai, whatever language it is written in.
    for booth in booths:
        company = booth.company
        assert all(company.text_in("sector", language).language == language for language in ("zh", "vi", "th")), (
            company.name
        )
    assert herbs.sector == "传统医药" and herbs.text_in("sector", "en").text == "Traditional medicine"
    assert rice.sector == "ข้าว" and rice.text_in("sector", "vi").text == "Gạo"
    # The edition and every pavilion have their names in every interface language.
    from expo.editions.models import Edition

    edition = db.session.scalar(select(Edition))
    for record in (edition, *edition.pavilions):
        for language in ("zh", "vi", "th", "id", "ms"):
            assert record.text_in("name", language).language == language, (record.slug, language)


def edition_zh_name() -> str:
    from expo.editions.models import Edition

    return db.session.scalar(select(Edition)).text_in("name", "zh").text


def demo_pages_read_in_chinese(app, client):
    """Every public page of the demo answers in Chinese with the demo's Chinese names."""
    zh = {"Accept-Language": "zh-CN"}
    with app.app_context():
        session_id = db.session.scalar(select(func.min(ProgrammeSession.id)))
        speaker_id = db.session.scalar(select(func.min(Speaker.id)))
    pages = {
        "/": ["第十八届中国—东盟博览会"],
        "/exhibition": ["第十八届中国—东盟博览会"],
        "/editions/18th-caexpo": ["南宁国际会展中心", "公共卫生防疫展区", "健康丝绸之路建设"],
        "/editions/18th-caexpo/pavilions/": ["公共卫生防疫展区", "泰国馆"],
        "/editions/18th-caexpo/pavilions/public-health": ["南宁口罩机械有限公司", "日夜运转的口罩机生产线"],
        "/booths/nanning-mask-machinery": ["南宁口罩机械有限公司", "全自动平面口罩生产线", "口罩生产线"],
        "/booths/nanning-mask-machinery/products/kn95-mask-production-line": ["KN95 口罩生产线", "产量"],
        "/booths/siam-hom-mali-rice-exporters-co-ltd": ["暹罗香米出口有限公司", "泰国茉莉香米"],
        "/editions/18th-caexpo/programme": ["开幕全体大会：共建健康丝绸之路"],
        "/editions/18th-caexpo/forums/health-cooperation-forum": ["健康丝绸之路建设暨第三届中国—东盟卫生合作论坛"],
        f"/editions/18th-caexpo/sessions/{session_id}": ["开幕全体大会", "A 厅"],
        f"/editions/18th-caexpo/speakers/{speaker_id}": ["李明博士"],
        "/search?q=mask": ["南宁口罩机械有限公司"],
    }
    for path, expected in pages.items():
        response = client.get(path, headers=zh)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        for text in expected:
            assert text in page, (path, text)
    # A Vietnamese and a Thai visitor read the edition and its pavilions in their own language.
    for language, texts in {
        "vi": [
            "Hội chợ Trung Quốc – ASEAN lần thứ 18",
            "Khu trưng bày Y tế Công cộng và Phòng chống Dịch bệnh",
            "xe cứu thương áp lực âm",
            "Khu trưng bày Thái Lan",
        ],
        "th": ["งานแสดงสินค้าจีน-อาเซียน ครั้งที่ 18", "พาวิลเลียนสาธารณสุขและการป้องกันโรคระบาด", "พาวิลเลียนไทย"],
    }.items():
        page = client.get("/editions/18th-caexpo/pavilions/", headers={"Accept-Language": language})
        assert page.status_code == 200
        for text in texts:
            assert text in page.get_data(as_text=True), (language, text)
