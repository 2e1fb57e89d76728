"""The shared product category tree every installation starts with.

Plain data (no application imports), so the migration that creates the table can load it.
Names are English msgids, marked for extraction: pages show them through gettext in the
viewer's language. Seeding is by slug and adds only what is missing, so a later migration
can extend the tree by adding entries here and seeding again.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a string for the translation catalogue without translating it here."""
    return message


# (slug, name, children); order is the order pages list them in.
DEFAULT_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "medical-supplies",
        N_("Medical supplies"),
        (
            ("protective-equipment", N_("Protective equipment")),
            ("masks-respirators", N_("Masks and respirators")),
            ("diagnostics", N_("Diagnostics and testing")),
            ("medical-devices", N_("Medical devices")),
            ("medical-vehicles", N_("Medical vehicles")),
            ("disinfection-hygiene", N_("Disinfection and hygiene")),
            ("pharmaceuticals", N_("Pharmaceuticals")),
            ("dental-supplies", N_("Dental supplies")),
        ),
    ),
    (
        "traditional-medicine",
        N_("Traditional medicine"),
        (
            ("herbal-medicine", N_("Herbal medicine")),
            ("health-supplements", N_("Health supplements")),
            ("wellness-devices", N_("Wellness and massage devices")),
        ),
    ),
    (
        "food-agriculture",
        N_("Food and agriculture"),
        (
            ("coffee-tea", N_("Coffee and tea")),
            ("tropical-fruit", N_("Tropical fruit")),
            ("rice-grains", N_("Rice and grains")),
            ("spices-condiments", N_("Spices and condiments")),
            ("seafood", N_("Seafood")),
            ("processed-food", N_("Processed food and snacks")),
        ),
    ),
    (
        "materials",
        N_("Materials"),
        (
            ("paper-pulp", N_("Paper and pulp")),
            ("steel-metals", N_("Steel and metals")),
            ("rubber-plastics", N_("Rubber and plastics")),
            ("textiles", N_("Textiles and non-wovens")),
            ("chemicals", N_("Chemicals")),
        ),
    ),
    (
        "machinery",
        N_("Machinery and equipment"),
        (
            ("production-machinery", N_("Production machinery")),
            ("agricultural-machinery", N_("Agricultural machinery")),
            ("electrical-equipment", N_("Electrical equipment")),
        ),
    ),
    (
        "services",
        N_("Services"),
        (
            ("logistics", N_("Logistics and freight")),
            ("health-tourism", N_("Health tourism")),
            ("training-consulting", N_("Training and consulting")),
        ),
    ),
)


# What a category holds, in words buyers type, by category name: indexed with the name in every
# language (expo.exhibition.search_index.category_words), never shown. A buyer typing 手套 finds
# nitrile gloves filed under "Protective equipment" even when the product is written in English.
CATEGORY_KEYWORDS: dict[str, str] = {
    "Protective equipment": N_("gloves, gowns, coveralls, goggles, face shields, shoe covers"),
    "Masks and respirators": N_("face masks, surgical masks, respirators"),
    "Diagnostics and testing": N_("test kits, rapid tests, thermometers"),
    "Disinfection and hygiene": N_("disinfectant, hand sanitizer, wipes"),
    "Pharmaceuticals": N_("medicines, tablets, capsules"),
    "Coffee and tea": N_("coffee beans, tea leaves"),
    "Tropical fruit": N_("durian, mango, mangosteen, longan, coconut"),
    "Rice and grains": N_("rice, jasmine rice, glutinous rice"),
    "Seafood": N_("shrimp, prawns, fish, squid"),
    "Production machinery": N_("machines, production lines"),
}


def category_rows() -> list[dict[str, object]]:
    """The tree as rows (slug, name, parent slug, position), parents before children."""
    rows: list[dict[str, object]] = []
    for position, (slug, name, children) in enumerate(DEFAULT_CATEGORIES):
        rows.append({"slug": slug, "name": name, "parent": None, "position": position})
        for child_position, (child_slug, child_name) in enumerate(children):
            rows.append({"slug": child_slug, "name": child_name, "parent": slug, "position": child_position})
    return rows


def seed_categories(connection) -> int:
    """Insert the categories that are missing (by slug) through a SQLAlchemy connection; returns how many."""
    from sqlalchemy import text

    existing = {slug: id_ for id_, slug in connection.execute(text("SELECT id, slug FROM product_categories"))}
    added = 0
    for row in category_rows():
        if row["slug"] in existing:
            continue
        parent_id = existing.get(row["parent"]) if row["parent"] else None
        connection.execute(
            text(
                "INSERT INTO product_categories (slug, name, parent_id, position) "
                "VALUES (:slug, :name, :parent_id, :position)"
            ),
            {"slug": row["slug"], "name": row["name"], "parent_id": parent_id, "position": row["position"]},
        )
        existing[row["slug"]] = connection.execute(
            text("SELECT id FROM product_categories WHERE slug = :slug"), {"slug": row["slug"]}
        ).scalar_one()
        added += 1
    return added
