"""The rules of a booth's catalogue: products, their order and addresses, pictures and thumbnails."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from expo import uploads
from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import images, services
from expo.catalog.images import Upload
from expo.catalog.models import Product, ProductImage
from expo.catalog.services import ProductData
from expo.engagement.models import Favourite
from expo.extensions import db
from expo.permissions import NotAllowed
from tests.conftest import run_recorded_tasks


@pytest.fixture()
def team(factory):
    owner, staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[staff], name="Guangxi Protective Gear")
    booth = factory.booth(company)
    return owner, staff, booth


def get(model, row):
    return db.session.get(model, row.id)


def problems_of(call, *args) -> dict[str, str]:
    with pytest.raises(services.InvalidProduct) as caught:
        call(*args)
    return caught.value.problems


def catalogue(booth) -> list[str]:
    return list(
        db.session.scalars(
            select(Product.name).where(Product.booth_id == booth.id).order_by(Product.position, Product.id)
        )
    )


def jpeg_with_exif(size=(1600, 1200)) -> io.BytesIO:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {2: (22.0, 49.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    return buffer


def png(size=(40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 94, 110)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


# --- products --------------------------------------------------------------------------------------


def test_a_product_gets_an_address_from_its_name_and_comes_last(app_ctx, team, factory):
    owner, staff, booth = team
    categories = factory.categories()
    factory.product(booth, name="Gown", slug="gown", position=1)
    product = services.create_product(
        get(User, staff),
        get(Booth, booth),
        ProductData(
            name="  KN95   respirator ",
            category_id=categories["masks-respirators"],
            description="**Five** layers",
            specifications=[["Material", "Melt-blown"]],
            min_order_quantity=200,
            order_unit="box",
            price_min=Decimal("2.50"),
            price_max=Decimal("3.10"),
            currency="CNY",
            hs_code="630790",
            availability=Product.Availability.MADE_TO_ORDER,
        ),
    )
    db.session.commit()
    saved = db.session.get(Product, product.id)
    assert saved.slug == "kn95-respirator" and saved.name == "KN95 respirator"
    assert saved.description_html == "<p><strong>Five</strong> layers</p>\n"
    assert saved.specifications == [["Material", "Melt-blown"]] and saved.price_max == Decimal("3.10")
    assert catalogue(booth) == ["Gown", "KN95 respirator"]


def test_a_second_product_with_the_same_name_gets_its_own_address(app_ctx, team):
    owner, _staff, booth = team
    first = services.create_product(get(User, owner), get(Booth, booth), ProductData(name="Nitrile gloves"))
    second = services.create_product(get(User, owner), get(Booth, booth), ProductData(name="Nitrile Gloves"))
    assert (first.slug, second.slug) == ("nitrile-gloves", "nitrile-gloves-2")


def test_renaming_keeps_the_address_so_links_keep_working(app_ctx, team):
    owner, _staff, booth = team
    product = services.create_product(get(User, owner), get(Booth, booth), ProductData(name="Surgical mask"))
    services.update_product(get(User, owner), product, ProductData(name="Surgical mask, 3-ply", price_min=Decimal(1)))
    db.session.commit()
    assert db.session.get(Product, product.id).slug == "surgical-mask"
    assert services.find_product(booth.id, "surgical-mask").name == "Surgical mask, 3-ply"


def test_changing_the_category_changes_what_search_finds_the_product_by(app_ctx, team, factory):
    owner, _staff, booth = team
    categories = factory.categories()
    product = factory.product(booth, name="Swab", category_id=categories["masks-respirators"])
    loaded = services.product_with_images(get(Booth, booth), product.id)  # category loaded, as the editor does
    assert loaded.category.slug == "masks-respirators"
    services.update_product(get(User, owner), loaded, ProductData(name="Swab", category_id=categories["diagnostics"]))
    db.session.commit()
    stored = db.session.get(Product, product.id).search_text
    assert "Diagnostics and testing" in stored and "Masks" not in stored


def test_every_broken_rule_is_reported_at_once(app_ctx, team):
    owner, _staff, booth = team
    problems = problems_of(
        services.create_product,
        get(User, owner),
        get(Booth, booth),
        ProductData(
            name=" ",
            category_id=999_999,
            price_min=Decimal("5"),
            price_max=Decimal("4"),
            currency="ABC",
            hs_code="12",
            availability="sold",
            min_order_quantity=0,
            order_unit="",
            specifications=[["Size", ""]],
        ),
    )
    assert set(problems) == {
        "name",
        "category_id",
        "price_max",
        "currency",
        "hs_code",
        "availability",
        "min_order_quantity",
        "order_unit",
        "specifications",
    }
    assert problems["price_max"] == "The highest price is below the lowest."
    assert catalogue(booth) == []


def test_outsiders_cannot_change_a_catalogue(app_ctx, team, factory):
    _owner, _staff, booth = team
    organizer, stranger = factory.organizer(), factory.user()
    product = factory.product(booth, name="Gown")
    for actor in (organizer, stranger):
        with pytest.raises(NotAllowed):
            services.create_product(get(User, actor), get(Booth, booth), ProductData(name="Mine"))
        with pytest.raises(NotAllowed):
            services.delete_product(get(User, actor), get(Product, product))


def test_moving_changes_the_order_and_the_ends_stay_put(app_ctx, team, factory):
    owner, _staff, booth = team
    a, b, c = (factory.product(booth, name=name) for name in "ABC")  # all at position 0: ordered by id
    actor = get(User, owner)
    services.move_product(actor, get(Product, c), -1)
    assert catalogue(booth) == ["A", "C", "B"]
    services.move_product(actor, get(Product, a), -1)
    services.move_product(actor, get(Product, b), +1)
    assert catalogue(booth) == ["A", "C", "B"]
    services.move_product(actor, get(Product, a), +1)
    db.session.commit()
    assert catalogue(booth) == ["C", "A", "B"]


def test_deleting_a_product_removes_its_pictures_files_and_favourites(app, app_ctx, team, factory):
    owner, _staff, booth = team
    product = factory.product(booth, name="Gown")
    picture = factory.product_image(product)
    buyer = factory.user()
    db.session.add(Favourite(user_id=buyer.id, product_id=product.id))
    db.session.commit()
    file = app.config["STORAGE_PATH"] / picture.path
    services.delete_product(get(User, owner), get(Product, product))
    assert file.exists()  # until the deletion is committed
    db.session.commit()
    assert not file.exists()
    assert db.session.scalar(select(db.func.count(ProductImage.id))) == 0
    assert db.session.scalar(select(db.func.count(Favourite.id))) == 0


# --- pictures --------------------------------------------------------------------------------------


def test_pictures_are_added_in_order_without_metadata_and_their_thumbnails_follow(
    app, app_ctx, team, factory, recorded_tasks
):
    owner, _staff, booth = team
    product = factory.product(booth, name="Gown")
    recorded_tasks.clear()  # the new product queued its team's matchmaking recomputation; pictures do not
    added = images.add_product_images(
        get(User, owner),
        get(Product, product),
        [Upload("front.jpg", jpeg_with_exif()), Upload("back.png", png())],
        "  Blue   gown ",
    )
    db.session.commit()
    assert [(image.position, image.alt_text) for image in added] == [(1, "Blue gown"), (2, "Blue gown")]
    first = db.session.get(ProductImage, added[0].id)
    assert (first.width, first.height) == (1600, 1200) and first.thumbnail_path is None
    assert [name for name, _args in recorded_tasks] == ["catalog.make_thumbnails"] * 2
    db.session.commit()  # SQLite: this test's session must not hold the write lock the worker needs

    assert run_recorded_tasks(app) == 2
    first = db.session.get(ProductImage, added[0].id)
    thumbnail = Image.open(app.config["STORAGE_PATH"] / first.thumbnail_path)
    assert max(thumbnail.size) == 480 and thumbnail.size == (480, 360)
    assert not thumbnail.getexif()
    assert (app.config["STORAGE_PATH"] / first.thumbnail_path).stat().st_size < (
        app.config["STORAGE_PATH"] / first.path
    ).stat().st_size
    assert not Image.open(app.config["STORAGE_PATH"] / first.path).getexif()


def test_the_thumbnail_task_is_idempotent_and_ignores_deleted_pictures(app, app_ctx, team, factory):
    from worker.tasks import make_thumbnails

    _owner, _staff, booth = team
    product = factory.product(booth)
    picture = factory.product_image(product)
    folder = (app.config["STORAGE_PATH"] / picture.path).parent  # thumbnails are stored beside the pictures
    before = set(folder.iterdir())
    made = make_thumbnails.run(picture.id)
    after_first = set(folder.iterdir())
    assert len(after_first - before) == 1
    assert make_thumbnails.run(picture.id) is None  # delivered twice: one thumbnail, no second file
    assert set(folder.iterdir()) == after_first
    assert db.session.get(ProductImage, picture.id).thumbnail_path == made
    assert make_thumbnails.run(999_999) is None


def test_the_thumbnail_is_made_with_no_transaction_open(app, team, factory, monkeypatch):
    """Decoding a picture is slow: a task holding SQLite's write lock meanwhile held every writer off."""
    from worker.tasks import make_thumbnails

    _owner, _staff, booth = team
    picture = factory.product_image(factory.product(booth))
    real, seen = uploads.make_thumbnail, []

    def watching(path, max_side):
        seen.append(db.session().in_transaction())
        return real(path, max_side)

    monkeypatch.setattr(uploads, "make_thumbnail", watching)
    with app.app_context():  # as the worker runs it
        made = make_thumbnails.run(picture.id)
        assert seen == [False]
        assert db.session.get(ProductImage, picture.id).thumbnail_path == made


def test_a_product_has_at_most_eight_pictures(app_ctx, team, factory):
    owner, _staff, booth = team
    product = factory.product(booth)
    for _ in range(6):
        factory.product_image(product)
    with pytest.raises(images.TooManyImages, match="you can add 2 more; you chose 3"):
        images.add_product_images(
            get(User, owner), get(Product, product), [Upload(f"{n}.png", png()) for n in range(3)]
        )
    db.session.rollback()
    images.add_product_images(get(User, owner), get(Product, product), [Upload(f"{n}.png", png()) for n in range(2)])
    db.session.commit()
    with pytest.raises(images.TooManyImages, match="already has 8 pictures"):
        images.add_product_images(get(User, owner), get(Product, product), [Upload("9.png", png())])


def test_one_bad_file_refuses_the_whole_upload_and_leaves_no_file(app, app_ctx, team, factory):
    owner, _staff, booth = team
    product = factory.product(booth)
    folder = app.config["STORAGE_PATH"] / "products"
    files_before = set(folder.glob("*.*"))
    with pytest.raises(images.ImageRefused, match="“notes.png”: This is not a JPEG, PNG or WebP image."):
        images.add_product_images(
            get(User, owner),
            get(Product, product),
            [Upload("good.png", png()), Upload("notes.png", io.BytesIO(b"hello"))],
        )
    db.session.rollback()
    assert set(folder.glob("*.*")) == files_before
    assert db.session.scalar(select(db.func.count(ProductImage.id))) == 0


def test_pictures_can_be_reordered_described_and_deleted(app, app_ctx, team, factory):
    owner, _staff, booth = team
    product = factory.product(booth)
    first, second, third = (factory.product_image(product) for _ in range(3))
    actor = get(User, owner)
    images.move_product_image(actor, get(ProductImage, third), -1)
    images.update_alt_text(actor, get(ProductImage, first), "Front view")
    with pytest.raises(services.CatalogError, match="at most 200"):
        images.update_alt_text(actor, get(ProductImage, first), "x" * 201)
    db.session.rollback()
    images.delete_product_image(actor, get(ProductImage, second))
    db.session.commit()
    db.session.expire_all()
    remaining = db.session.get(Product, product.id).images
    assert [(image.id, image.position) for image in remaining] == [(first.id, 1), (third.id, 2)]
    assert not (app.config["STORAGE_PATH"] / second.path).exists()
    assert (app.config["STORAGE_PATH"] / first.path).exists()
