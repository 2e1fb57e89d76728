"""A realistic online exhibition at volume (thousands of booths, a hundred thousand products), for
benchmarks and for trying search at scale: `flask expo generate-exhibition`.

Rows go in through Core in batches, not the ORM, so the flush listener that keeps ``search_text``
current never runs; the generator computes it with the same functions. Booths are placed in the
pavilions of the published editions (two editions are created with their pavilions when there is
none). Everything is drawn from a seeded random generator, so a seed always gives the same data.
"""

from __future__ import annotations

import html
import random
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text

from expo.booths.models import Booth, BoothPlacement
from expo.catalog.category_tree import seed_categories
from expo.catalog.models import Product, ProductCategory
from expo.demo import volume_words as words
from expo.demo.seed import COUNTRY_PAVILIONS, THEMED_PAVILIONS
from expo.editions.models import Edition, Pavilion
from expo.exhibition.search_index import booth_search_text, language_codes, product_search_text
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db

BATCH_SIZE = 2_000

# --- the vocabulary ------------------------------------------------------------------------------


# Each subcategory: product names, the unit they are ordered in, a price range (USD per unit),
# typical minimum orders, HS code and specification names with the values they take.
@dataclass(frozen=True)
class Line:
    names: tuple[str, ...]
    unit: str
    price: tuple[float, float]
    moqs: tuple[int | None, ...]
    hs_code: str
    specs: tuple[tuple[str, tuple[str, ...]], ...]


BULK = (None, 1, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
MACHINES = (None, 1, 1, 2, 5, 10)

LINES: dict[str, Line] = {
    "protective-equipment": Line(
        (
            "Disposable isolation gown",
            "Protective coverall",
            "Nitrile examination gloves",
            "Latex surgical gloves",
            "Face shield",
            "Safety goggles",
            "Shoe covers",
            "Bouffant cap",
            "Protective clothing",
            "Vinyl gloves",
            "Chemical protective suit",
            "Reusable isolation gown",
        ),
        "box",
        (0.05, 25),
        BULK,
        "621010",
        (
            ("Material", ("SMS non-woven", "Nitrile", "Natural latex", "Polypropylene", "PE film", "Polycarbonate")),
            ("Size", ("S, M, L, XL", "One size", "M, L", "XS to XXL")),
            ("Standard", ("EN 14126", "EN 455", "ASTM D6319", "GB 19082-2009", "ANSI Z87.1")),
        ),
    ),
    "masks-respirators": Line(
        (
            "KN95 respirator",
            "N95 respirator",
            "Surgical face mask",
            "FFP2 mask",
            "FFP3 respirator",
            "Children's face mask",
            "Activated carbon mask",
            "Three-ply disposable mask",
            "Medical face mask",
            "Reusable cotton mask",
        ),
        "box",
        (0.02, 2.5),
        BULK,
        "630790",
        (
            ("Filtration", ("≥ 95 %", "≥ 99 %", "BFE ≥ 98 %", "≥ 94 %")),
            ("Layers", ("3-ply", "4-ply", "5-ply")),
            ("Standard", ("GB 2626-2019", "EN 149", "EN 14683 Type IIR", "NIOSH 42 CFR 84", "YY 0469-2011")),
        ),
    ),
    "diagnostics": Line(
        (
            "COVID-19 antigen rapid test kit",
            "Dengue NS1 rapid test",
            "Malaria rapid test",
            "PCR test kit",
            "Pregnancy test strip",
            "Blood glucose test strips",
            "Infrared thermometer",
            "Pulse oximeter",
            "HIV rapid test",
            "Nucleic acid extraction kit",
            "Mobile nucleic acid testing laboratory",
        ),
        "kit",
        (0.3, 40),
        BULK,
        "382200",
        (
            ("Sample", ("Nasal swab", "Saliva", "Whole blood", "Serum", "Urine")),
            ("Time to result", ("15 minutes", "10 minutes", "2 hours", "30 minutes")),
            ("Sensitivity", ("96.8 %", "98.2 %", "99.1 %", "94.5 %")),
        ),
    ),
    "medical-devices": Line(
        (
            "Patient monitor",
            "Electric hospital bed",
            "Oxygen concentrator",
            "ICU ventilator",
            "Infusion pump",
            "Folding wheelchair",
            "Compressor nebulizer",
            "Portable ultrasound scanner",
            "12-lead ECG machine",
            "Digital blood pressure monitor",
            "Surgical shadowless lamp",
        ),
        "unit",
        (15, 18000),
        MACHINES,
        "901819",
        (
            ("Power", ("220 V 50 Hz", "110-240 V", "Battery, 8 hours")),
            ("Warranty", ("1 year", "2 years", "3 years")),
            ("Certification", ("CE", "FDA 510(k)", "NMPA", "ISO 13485")),
        ),
    ),
    "medical-vehicles": Line(
        (
            "Ambulance",
            "Negative pressure ambulance",
            "Mobile clinic vehicle",
            "Vaccine transport vehicle",
            "Nucleic acid detection vehicle",
            "Patient transfer stretcher",
            "4x4 rescue ambulance",
        ),
        "vehicle",
        (3000, 160000),
        (None, 1, 1, 2, 3),
        "870390",
        (
            ("Chassis", ("Toyota Hiace", "Ford Transit", "JMC", "Foton", "Isuzu")),
            ("Drive", ("Diesel", "Petrol", "Electric")),
            ("Equipment", ("Oxygen supply, stretcher, monitor", "Negative pressure cabin", "Cold chain box")),
        ),
    ),
    "disinfection-hygiene": Line(
        (
            "Hand sanitizer gel",
            "Alcohol disinfectant wipes",
            "UV disinfection lamp",
            "Chlorine disinfectant tablets",
            "Disinfection robot",
            "Antibacterial hand soap",
            "Hydrogen peroxide fogger",
            "Surface disinfectant spray",
        ),
        "carton",
        (0.2, 9000),
        BULK,
        "380894",
        (
            ("Active ingredient", ("75 % ethanol", "Sodium dichloroisocyanurate", "Hydrogen peroxide", "UV-C 254 nm")),
            ("Volume", ("500 ml", "1 litre", "5 litres", "100 wipes")),
        ),
    ),
    "pharmaceuticals": Line(
        (
            "Paracetamol tablets",
            "Amoxicillin capsules",
            "Vitamin C effervescent tablets",
            "Oral rehydration salts",
            "Ibuprofen suspension",
            "Insulin pen",
            "Artesunate injection",
            "Metformin tablets",
        ),
        "box",
        (0.5, 60),
        BULK,
        "300490",
        (
            ("Strength", ("500 mg", "250 mg", "1000 mg", "100 IU/ml")),
            ("Pack", ("10 x 10 blister", "Bottle of 100", "20 sachets")),
            ("Registration", ("WHO prequalified", "GMP certified", "BPOM registered", "FDA Thailand")),
        ),
    ),
    "dental-supplies": Line(
        (
            "Dental implant",
            "Light-cure composite resin",
            "Dental chair unit",
            "Orthodontic brackets",
            "Disposable dental bibs",
            "Alginate impression material",
        ),
        "set",
        (0.5, 6000),
        BULK,
        "902121",
        (("Material", ("Titanium grade 4", "Zirconia", "Stainless steel", "Nano-hybrid")),),
    ),
    "herbal-medicine": Line(
        (
            "Lianhua Qingwen capsules",
            "Ginseng root extract",
            "Tongkat Ali extract",
            "Turmeric capsules",
            "Tiger herbal balm",
            "Artemisia herbal tea",
            "Andrographis tablets",
            "Herbal medicine granules",
            "Guangxi Sanqi powder",
            "Luo Han Guo extract",
            "Kratom-free herbal tea",
        ),
        "bottle",
        (1, 80),
        BULK,
        "121190",
        (
            ("Form", ("Capsules", "Granules", "Powder", "Balm", "Tea bags")),
            ("Origin", ("Guangxi", "Yunnan", "Pahang", "Java", "Chiang Mai")),
            ("Certification", ("GMP", "Halal", "Organic", "TCM registered")),
        ),
    ),
    "health-supplements": Line(
        (
            "Spirulina tablets",
            "Bird's nest drink",
            "Moringa powder",
            "Fish oil capsules",
            "Collagen powder",
            "Noni juice",
            "Royal jelly capsules",
            "Black garlic extract",
        ),
        "bottle",
        (2, 120),
        BULK,
        "210690",
        (
            ("Serving", ("60 capsules", "30 sachets", "250 ml", "500 g")),
            ("Certification", ("Halal", "HACCP", "GMP", "Organic")),
        ),
    ),
    "wellness-devices": Line(
        (
            "Full-body massage chair",
            "Acupuncture needles",
            "Cupping therapy set",
            "Foot spa massager",
            "Smokeless moxibustion device",
            "Gua sha scraping board",
            "Infrared sauna blanket",
        ),
        "piece",
        (0.8, 3500),
        BULK,
        "901910",
        (
            ("Material", ("Stainless steel", "Jade", "Bian stone", "PU leather")),
            ("Power", ("220 V", "USB rechargeable", "None")),
        ),
    ),
    "coffee-tea": Line(
        (
            "Robusta coffee beans",
            "Arabica coffee beans",
            "Vietnamese drip coffee",
            "Civet coffee",
            "Green tea",
            "Oolong tea",
            "Jasmine tea",
            "Instant coffee",
            "Liberica coffee",
            "Liupao dark tea",
            "Pu'er tea",
            "Thai iced tea mix",
            "Coffee capsules",
        ),
        "kg",
        (2, 150),
        BULK,
        "090111",
        (
            ("Origin", ("Dak Lak", "Bolaven Plateau", "Yunnan", "Sumatra", "Benguet", "Hezhou", "Chiang Rai")),
            ("Roast", ("Light", "Medium", "Dark", "Green, unroasted")),
            ("Packing", ("60 kg jute bag", "1 kg valve bag", "250 g pouch", "Vacuum brick")),
        ),
    ),
    "tropical-fruit": Line(
        (
            "Musang King durian",
            "Monthong durian",
            "Frozen durian pulp",
            "Dried mango",
            "Fresh mangosteen",
            "Red dragon fruit",
            "Longan",
            "Rambutan",
            "Coconut water",
            "Banana chips",
            "Jackfruit",
            "Pomelo",
            "Passion fruit",
            "Freeze-dried durian",
        ),
        "kg",
        (0.5, 40),
        BULK,
        "081090",
        (
            ("Grade", ("Grade A", "Premium", "Export grade", "AAA")),
            ("Storage", ("Frozen -18 °C", "Chilled 2-5 °C", "Ambient", "Vacuum packed")),
            ("Season", ("All year", "May to August", "June to September")),
        ),
    ),
    "rice-grains": Line(
        (
            "Jasmine rice",
            "Hom Mali rice",
            "Fragrant rice",
            "Glutinous rice",
            "ST25 rice",
            "Brown rice",
            "Rice vermicelli",
            "Cassava starch",
            "Corn grits",
            "Parboiled rice",
            "Black rice",
        ),
        "tonne",
        (350, 1600),
        (None, 1, 5, 10, 20, 25, 100),
        "100630",
        (
            ("Broken", ("5 %", "10 %", "25 %", "100 %")),
            ("Crop", ("New crop", "Old crop")),
            ("Packing", ("25 kg PP bag", "50 kg bag", "5 kg retail bag", "Jumbo bag")),
        ),
    ),
    "spices-condiments": Line(
        (
            "Black pepper",
            "Cinnamon sticks",
            "Star anise",
            "Fish sauce",
            "Sweet chili sauce",
            "Dried lemongrass",
            "Nutmeg",
            "Palm sugar",
            "Cassia bark",
            "Galangal powder",
        ),
        "kg",
        (1, 30),
        BULK,
        "090411",
        (
            ("Origin", ("Sarawak", "Guangxi", "Kampot", "Phu Quoc", "Sri Lanka")),
            ("Moisture", ("12 % max", "13.5 % max")),
        ),
    ),
    "seafood": Line(
        (
            "Frozen vannamei shrimp",
            "Tiger prawns",
            "Dried squid",
            "Canned tuna",
            "Pangasius fillet",
            "Sea cucumber",
            "Frozen tilapia",
            "Oyster sauce",
        ),
        "kg",
        (2, 90),
        BULK,
        "030617",
        (
            ("Size", ("16/20", "21/25", "31/40", "U10")),
            ("Processing", ("IQF", "Block frozen", "Sun dried", "Canned in brine")),
        ),
    ),
    "processed-food": Line(
        (
            "Instant noodles",
            "Durian cake",
            "Luosifen river snail rice noodles",
            "Coconut milk",
            "Rice crackers",
            "Refined palm oil",
            "Tapioca pearls",
            "Pandan kaya jam",
            "Prawn crackers",
        ),
        "carton",
        (3, 60),
        BULK,
        "190230",
        (
            ("Shelf life", ("6 months", "12 months", "18 months", "24 months")),
            ("Certification", ("Halal", "HACCP", "BRC", "FDA registered")),
        ),
    ),
    "paper-pulp": Line(
        (
            "Kraft paper",
            "Coated art paper",
            "Tissue paper jumbo roll",
            "Corrugated cardboard",
            "Bamboo pulp",
            "Bleached wood pulp",
            "Paper cups",
            "Sugarcane bagasse paper",
            "Offset printing paper",
        ),
        "tonne",
        (400, 1500),
        (None, 1, 5, 10, 20, 50),
        "480411",
        (
            ("Grammage", ("80 gsm", "120 gsm", "250 gsm", "15 gsm")),
            ("Source", ("Eucalyptus", "Bamboo", "Bagasse", "Recycled fibre")),
        ),
    ),
    "steel-metals": Line(
        (
            "Hot-rolled steel coil",
            "Galvanized steel sheet",
            "Stainless steel pipe",
            "Steel rebar",
            "Aluminium ingot",
            "Copper cathode",
            "Tin ingot",
            "Nickel pig iron",
            "Cold-rolled steel strip",
            "Manganese alloy",
        ),
        "tonne",
        (450, 9000),
        (None, 10, 25, 50, 100, 500),
        "720839",
        (
            ("Grade", ("Q235B", "SS400", "SUS304", "A1050", "HRB400")),
            ("Thickness", ("1.5 mm", "3 mm", "6 mm", "12 mm")),
            ("Standard", ("GB/T 700", "JIS G3101", "ASTM A36")),
        ),
    ),
    "rubber-plastics": Line(
        (
            "Natural rubber",
            "Latex concentrate",
            "Nitrile butadiene rubber",
            "PET resin",
            "Polypropylene granules",
            "Radial truck tyres",
            "Rubber seals",
            "Biodegradable plastic bags",
        ),
        "tonne",
        (600, 2500),
        (None, 1, 5, 20, 100),
        "400122",
        (
            ("Grade", ("STR 20", "SVR 3L", "SMR CV60", "Injection grade")),
            ("Packing", ("35 kg bale", "1.2 t crate", "25 kg bag")),
        ),
    ),
    "textiles": Line(
        (
            "Non-woven fabric",
            "Spunbond polypropylene",
            "Melt-blown non-woven",
            "Cotton yarn",
            "Batik fabric",
            "Silk fabric",
            "Zhuang brocade",
            "Bamboo fibre towel",
        ),
        "metre",
        (0.1, 30),
        BULK,
        "560311",
        (
            ("Weight", ("25 gsm", "40 gsm", "60 gsm", "120 gsm")),
            ("Width", ("1.6 m", "2.4 m", "3.2 m")),
        ),
    ),
    "chemicals": Line(
        (
            "Isopropyl alcohol",
            "Sodium hypochlorite",
            "Caustic soda flakes",
            "Refined glycerin",
            "Coconut shell activated carbon",
            "Citric acid",
            "Rosin",
        ),
        "tonne",
        (200, 2500),
        (None, 1, 5, 20, 25),
        "290512",
        (("Purity", ("99 %", "99.9 %", "70 %", "USP grade")), ("Packing", ("IBC tank", "200 l drum", "25 kg bag"))),
    ),
    "production-machinery": Line(
        (
            "Mask making machine",
            "Glove dipping line",
            "Non-woven fabric production line",
            "Rice milling machine",
            "Paper making machine",
            "Injection moulding machine",
            "Automatic packaging machine",
            "Capsule filling machine",
            "Tablet press",
        ),
        "set",
        (2000, 450000),
        MACHINES,
        "844540",
        (
            ("Capacity", ("120 pieces a minute", "2 tonnes an hour", "30,000 gloves an hour", "5 tonnes a day")),
            ("Power", ("380 V 50 Hz", "22 kW", "45 kW")),
            ("Warranty", ("1 year", "2 years")),
        ),
    ),
    "agricultural-machinery": Line(
        (
            "Rice transplanter",
            "Combine harvester",
            "Walking tractor",
            "Coffee roaster",
            "Durian dehusking tool",
            "Crop spraying drone",
            "Cassava harvester",
            "Sugarcane harvester",
        ),
        "unit",
        (300, 90000),
        MACHINES,
        "843351",
        (("Engine", ("Diesel 15 hp", "Diesel 88 hp", "Electric", "Petrol 7 hp")), ("Warranty", ("1 year", "2 years"))),
    ),
    "electrical-equipment": Line(
        (
            "Monocrystalline solar panel",
            "Diesel generator set",
            "LED street light",
            "Power transformer",
            "Three-phase electric motor",
            "Lithium battery storage",
            "EV charging station",
        ),
        "unit",
        (20, 60000),
        MACHINES + (50, 100),
        "854140",
        (
            ("Rating", ("450 W", "100 kVA", "150 W", "11 kW", "10 kWh")),
            ("Certification", ("IEC 61215", "CE", "CCC", "TIS")),
        ),
    ),
    "logistics": Line(
        (
            "Cold chain freight",
            "Cross-border trucking Nanning to Hanoi",
            "Sea freight consolidation",
            "Customs brokerage",
            "China-Europe rail freight",
            "Beibu Gulf port handling",
            "Air freight for vaccines",
        ),
        "shipment",
        (150, 12000),
        (None, 1),
        "",
        (
            ("Route", ("Nanning - Hanoi", "Qinzhou - Singapore", "Kunming - Vientiane", "Pingxiang - Dong Dang")),
            ("Transit time", ("2 days", "5 days", "12 days", "18 days")),
        ),
    ),
    "health-tourism": Line(
        (
            "Medical check-up package",
            "Dental tourism package",
            "Traditional medicine wellness retreat",
            "Spa and rehabilitation stay",
            "Longevity village retreat in Bama",
        ),
        "person",
        (80, 5000),
        (None, 1, 2, 10),
        "",
        (
            ("Duration", ("1 day", "3 days", "7 days", "14 days")),
            ("Location", ("Bama", "Phuket", "Penang", "Bali", "Guilin")),
        ),
    ),
    "training-consulting": Line(
        (
            "GMP certification consulting",
            "Medical device registration",
            "Export market entry consulting",
            "Halal certification support",
            "Cross-border e-commerce training",
            "Chinese language business course",
        ),
        "project",
        (300, 40000),
        (None, 1),
        "",
        (
            ("Delivery", ("Online", "On site", "Hybrid")),
            ("Language", ("English", "Chinese", "Vietnamese", "Thai", "Bahasa")),
        ),
    ),
}

QUALIFIERS = (
    "Premium",
    "Export grade",
    "Grade A",
    "Organic",
    "Eco-friendly",
    "Industrial",
    "Wholesale",
    "Certified",
    "OEM",
    "High quality",
    "Bulk",
    "Private label",
    "Hospital grade",
    "Economy",
    "New",
)

# Sectors (what the company says it does) and the category subtrees their booths mostly sell from.
SECTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "medical": (
        "Medical equipment and supplies",
        (
            "protective-equipment",
            "masks-respirators",
            "diagnostics",
            "medical-devices",
            "medical-vehicles",
            "disinfection-hygiene",
            "pharmaceuticals",
            "dental-supplies",
        ),
    ),
    "traditional": (
        "Traditional medicine and health products",
        ("herbal-medicine", "health-supplements", "wellness-devices"),
    ),
    "food": (
        "Food and agriculture",
        ("coffee-tea", "tropical-fruit", "rice-grains", "spices-condiments", "seafood", "processed-food"),
    ),
    "materials": ("Industrial materials", ("paper-pulp", "steel-metals", "rubber-plastics", "textiles", "chemicals")),
    "machinery": (
        "Machinery and equipment",
        ("production-machinery", "agricultural-machinery", "electrical-equipment"),
    ),
    "services": ("Trade and health services", ("logistics", "health-tourism", "training-consulting")),
}
SECTOR_WEIGHTS = {"medical": 35, "traditional": 12, "food": 25, "materials": 12, "machinery": 10, "services": 6}
SECTOR_WORDS = {
    "medical": ("Medical", "Healthcare", "Protective", "Medtech", "Biotech", "Diagnostics", "Hygiene", "Pharma"),
    "traditional": ("Herbal", "Wellness", "Traditional Medicine", "Natural Health", "Botanical"),
    "food": ("Foods", "Agro", "Coffee", "Fruit", "Rice", "Agriculture", "Trading", "Durian"),
    "materials": ("Paper", "Steel", "Rubber", "Materials", "Chemical", "Textile", "Metals"),
    "machinery": ("Machinery", "Equipment", "Engineering", "Automation", "Power"),
    "services": ("Logistics", "Supply Chain", "Consulting", "Travel", "Freight"),
}
NAME_WORDS = (
    "Golden",
    "Green",
    "Asia",
    "Star",
    "United",
    "Pacific",
    "Jade",
    "Lotus",
    "Dragon",
    "Orchid",
    "Harmony",
    "Everbright",
    "Silk Road",
    "Mekong",
    "Beibu Gulf",
    "Sunrise",
    "Bamboo",
    "Phoenix",
    "Evergreen",
    "Unity",
    "Prosperity",
    "Blue Ocean",
    "Rainforest",
    "Crystal",
    "Summit",
    "Pearl",
    "Tropical",
    "Eastern",
    "Northern",
    "Royal",
    "Lucky",
    "Hope",
    "Vision",
    "Bright",
    "Oriental",
)

# Country: (weight, cities, company-name suffixes).
COUNTRIES: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "CN": (
        40,
        (
            "Nanning",
            "Guangzhou",
            "Shenzhen",
            "Kunming",
            "Liuzhou",
            "Guilin",
            "Shanghai",
            "Beijing",
            "Wuhan",
            "Chengdu",
            "Qinzhou",
            "Beihai",
        ),
        ("Co., Ltd.", "Group Co., Ltd.", "Technology Co., Ltd."),
    ),
    "VN": (10, ("Hanoi", "Ho Chi Minh City", "Da Nang", "Hai Phong", "Can Tho"), ("JSC", "Co., Ltd.")),
    "TH": (9, ("Bangkok", "Chiang Mai", "Chonburi", "Songkhla"), ("Co., Ltd.", "Public Co., Ltd.")),
    "MY": (8, ("Kuala Lumpur", "Penang", "Johor Bahru", "Kuching"), ("Sdn Bhd", "Berhad")),
    "ID": (8, ("Jakarta", "Surabaya", "Bandung", "Medan"), ("PT", "Tbk")),
    "PH": (6, ("Manila", "Cebu", "Davao"), ("Inc.", "Corporation")),
    "SG": (6, ("Singapore",), ("Pte Ltd",)),
    "MM": (4, ("Yangon", "Mandalay"), ("Co., Ltd.",)),
    "KH": (4, ("Phnom Penh", "Siem Reap"), ("Co., Ltd.",)),
    "LA": (3, ("Vientiane", "Luang Prabang"), ("Sole Co., Ltd.", "Co., Ltd.")),
    "BN": (2, ("Bandar Seri Begawan",), ("Sdn Bhd",)),
}

TAGLINES = (
    "{word} for hospitals and distributors across ASEAN",
    "Direct from the factory in {city}",
    "Your {word} partner in {city}",
    "{word} since {year}",
    "Export-ready {word} from {city}",
    "Trusted supplier of {word} to twenty countries",
    "OEM and private label {word}",
)
BOOTH_SENTENCES = (
    "Founded in {year} in {city}, we supply {products} to buyers in China and the ten ASEAN states.",
    "Our {products} are made under ISO 9001 quality management and exported through {port}.",
    "We welcome distributors, hospitals and government buyers, and answer inquiries within one working day.",
    "Visit us at the China-ASEAN Expo in Nanning, or contact the team here all year.",
    "Samples of our {products} are available on request.",
    "Our factory covers {size} square metres and employs {staff} people.",
)
PRODUCT_SENTENCES = (
    "{name} made in {city} for export.",
    "Supplied to hospitals, pharmacies and distributors across ASEAN.",
    "Available for OEM and private label orders.",
    "Shipped from {port} with full export documentation.",
    "Each batch is inspected before shipment.",
    "Samples are available; lead time {lead} days.",
    "Certificates of origin for the ASEAN-China Free Trade Area are provided.",
    "Packed to order in {packing}.",
    "Model {model}.",
)
PORTS = (
    "Qinzhou",
    "Fangchenggang",
    "Beihai",
    "Hai Phong",
    "Laem Chabang",
    "Port Klang",
    "Tanjung Priok",
    "Manila",
    "Singapore",
    "Sihanoukville",
    "Yangon",
    "Muara",
    "Pingxiang rail terminal",
)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100]


@dataclass
class GeneratedVolume:
    companies: int = 0
    booths: int = 0
    published_booths: int = 0
    products: int = 0
    placements: int = 0
    editions_created: int = 0


# --- the generator -------------------------------------------------------------------------------


def generate_exhibition(
    *, booths: int, products: int, seed: int | None = None, progress: Callable[[str], None] | None = None
) -> GeneratedVolume:
    """Add ``booths`` booths (most of them published) holding ``products`` products in all; flushes,
    the caller commits. Runs against whatever database the session is bound to."""
    rng = random.Random(seed)
    # Translations draw from their own generator: a seed's English data stays what it was.
    translating = random.Random(None if seed is None else f"{seed}-translations")
    tag = secrets.token_hex(3) if seed is None else f"{seed:x}"
    say = progress or (lambda message: None)
    result = GeneratedVolume()
    session = db.session
    categories = _categories()
    pavilions, result.editions_created = _pavilions(rng)
    now = datetime.now(UTC).replace(microsecond=0)

    booth_rows = [_booth_plan(rng, index, tag, now, translating) for index in range(booths)]
    company_ids = _insert_returning(ExhibitorCompany.__table__, [plan["company"] for plan in booth_rows])
    result.companies = len(company_ids)
    for plan, company_id in zip(booth_rows, company_ids):
        plan["booth"]["company_id"] = company_id
    booth_ids = _insert_returning(Booth.__table__, [plan["booth"] for plan in booth_rows])
    result.booths = len(booth_ids)
    result.published_booths = sum(plan["booth"]["status"] == Booth.Status.PUBLISHED for plan in booth_rows)
    say(f"{result.companies} companies and {result.booths} booths")

    placements = list(_placements(rng, booth_rows, booth_ids, pavilions, now))
    for batch in _batches(placements):
        session.execute(insert(BoothPlacement.__table__), batch)
    result.placements = len(placements)
    say(f"{result.placements} placements")

    # Products spread unevenly over booths, as in real catalogues: most booths show a handful, a few
    # show hundreds. Weights from a log-normal distribution, every booth at least one product.
    weights = [rng.lognormvariate(0, 1.0) for _ in booth_ids]
    owners = list(range(len(booth_ids))) + rng.choices(
        range(len(booth_ids)), weights=weights, k=max(0, products - len(booth_ids))
    )
    owners = owners[:products]
    rng.shuffle(owners)
    per_booth_slugs: dict[int, set[str]] = {}
    positions: dict[int, int] = {}
    batch: list[dict[str, Any]] = []
    start = now - timedelta(days=730)
    for number, owner in enumerate(owners):
        plan = booth_rows[owner]
        booth_id = booth_ids[owner]
        position = positions.get(booth_id, 0)
        positions[booth_id] = position + 1
        created = start + timedelta(seconds=int(number * 730 * 86400 / max(1, products)))
        batch.append(_product_row(rng, plan, booth_id, position, categories, per_booth_slugs, created, translating))
        if len(batch) >= BATCH_SIZE:
            session.execute(insert(Product.__table__), batch)
            result.products += len(batch)
            batch = []
            if result.products % 20_000 == 0:
                say(f"{result.products} products")
    if batch:
        session.execute(insert(Product.__table__), batch)
        result.products += len(batch)
    say(f"{result.products} products")
    session.flush()
    # Fresh statistics, or the planners guess at the new volume (SQLite keeps none until asked).
    session.execute(text("ANALYZE"))
    return result


def _batches(rows: Sequence[dict[str, Any]], size: int = BATCH_SIZE) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_returning(table, rows: Sequence[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for batch in _batches(rows):
        ids.extend(db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), batch))
    return ids


@dataclass(frozen=True)
class _Category:
    id: int
    slug: str
    path: tuple[str, ...]


def _categories() -> dict[str, _Category]:
    """The shared tree (seeded if missing), by slug, each with its names from the root down."""
    seed_categories(db.session.connection())
    rows = db.session.execute(
        select(ProductCategory.id, ProductCategory.slug, ProductCategory.name, ProductCategory.parent_id)
    ).all()
    by_id = {row.id: row for row in rows}

    def path(row) -> tuple[str, ...]:
        names = []
        while row is not None:
            names.insert(0, row.name)
            row = by_id.get(row.parent_id)
        return tuple(names)

    return {row.slug: _Category(row.id, row.slug, path(row)) for row in rows}


def _pavilions(rng: random.Random) -> tuple[list[tuple[int, int, str, str | None]], int]:
    """(edition id, pavilion id, kind, country) of every published edition's pavilions; when no
    published edition has pavilions, the past and the next edition are created with theirs."""
    query = (
        select(Pavilion.edition_id, Pavilion.id, Pavilion.kind, Pavilion.country)
        .join(Edition, Edition.id == Pavilion.edition_id)
        .where(Edition.status == Edition.Status.PUBLISHED)
        .order_by(Pavilion.id)
    )
    rows = [tuple(row) for row in db.session.execute(query)]
    if rows:
        return rows, 0
    today = date.today()
    created = 0
    for offset, label in ((-1, "17th"), (0, "18th")):
        year = today.year + offset + (1 if today.month > 9 else 0)
        edition = Edition(
            slug=f"caexpo-{year}-{secrets.token_hex(2)}",
            name=f"{label} China-ASEAN Expo ({year})",
            starts_on=date(year, 9, 10),
            ends_on=date(year, 9, 13),
            city="Nanning",
            country="CN",
            venue="Nanning International Convention and Exhibition Center",
            timezone="Asia/Shanghai",
            status=Edition.Status.PUBLISHED,
        )
        position = 0
        for slug, name, description in THEMED_PAVILIONS:
            edition.pavilions.append(
                Pavilion(slug=slug, name=name, description=description, kind=Pavilion.THEMED, position=position)
            )
            position += 1
        for code, name in COUNTRY_PAVILIONS:
            edition.pavilions.append(
                Pavilion(
                    slug=f"pavilion-{code.lower()}",
                    name=f"Pavilion of {name}",
                    kind=Pavilion.COUNTRY,
                    country=code,
                    position=position,
                )
            )
            position += 1
        db.session.add(edition)
        created += 1
    db.session.flush()
    return [tuple(row) for row in db.session.execute(query)], created


def _booth_plan(
    rng: random.Random, index: int, tag: str, now: datetime, translating: random.Random | None = None
) -> dict[str, Any]:
    country = rng.choices(list(COUNTRIES), weights=[value[0] for value in COUNTRIES.values()])[0]
    _, cities, suffixes = COUNTRIES[country]
    city = rng.choice(cities)
    sector = rng.choices(list(SECTORS), weights=[SECTOR_WEIGHTS[key] for key in SECTORS])[0]
    sector_label, sector_lines = SECTORS[sector]
    word = rng.choice(SECTOR_WORDS[sector])
    suffix = rng.choice(suffixes)
    base = f"{city} {rng.choice(NAME_WORDS)} {word}"
    name = f"PT {base}" if suffix == "PT" else f"{base} {suffix}"
    slug = f"{slugify(base)}-{tag}-{index}"
    year = rng.randint(1985, 2022)
    products_words = ", ".join(
        LINES[line].names[0].lower() for line in rng.sample(sector_lines, min(2, len(sector_lines)))
    )
    values = {
        "year": year,
        "city": city,
        "word": word.lower(),
        "products": products_words,
        "port": rng.choice(PORTS),
        "size": rng.choice((3000, 8000, 12000, 25000, 60000)),
        "staff": rng.choice((20, 45, 120, 300, 850, 2400)),
    }
    description = " ".join(sentence.format(**values) for sentence in rng.sample(BOOTH_SENTENCES, 3))
    tagline = rng.choice(TAGLINES).format(**values)
    tagline = tagline[0].upper() + tagline[1:]
    status = rng.choices(
        (Booth.Status.PUBLISHED, Booth.Status.DRAFT, Booth.Status.SUBMITTED, Booth.Status.SUSPENDED),
        weights=(92, 3, 3, 2),
    )[0]
    created = now - timedelta(days=rng.randint(30, 900), seconds=rng.randint(0, 86400))
    published = (
        created + timedelta(days=rng.randint(1, 20))
        if status in (Booth.Status.PUBLISHED, Booth.Status.SUSPENDED)
        else None
    )
    company_translations, booth_translations = _booth_translations(
        translating or random.Random(index), country, city, sector, values
    )
    company = {
        "slug": slug,
        "name": name,
        "country": country,
        "sector": sector_label,
        "source_language": "en",
        "translations": company_translations,
        "website": f"https://www.{slugify(base)}.example",
        "description": description,
        "status": ExhibitorCompany.Status.APPROVED,
        "created_at": created,
        "submitted_at": created,
        "reviewed_at": created,
        "rejection_reason": "",
    }
    booth = {
        "slug": slug,
        "tagline": tagline,
        "description": description,
        "description_html": f"<p>{html.escape(description)}</p>",
        "video_embed_url": "",
        "contact_email": f"sales@{slugify(base)}.example",
        "contact_phone": "",
        "whatsapp": "",
        "wechat": "",
        "line_id": "",
        "timezone": "Asia/Shanghai" if country == "CN" else "Asia/Bangkok",
        "opening_hours": {},
        "status": status,
        "submitted_at": created if status != Booth.Status.DRAFT else None,
        "published_at": published,
        "review_note": "",
        "suspended_reason": "Product certificates expired; renew them to reopen."
        if status == Booth.Status.SUSPENDED
        else "",
        "country": country,
        "created_at": created,
        "updated_at": published or created,
        "source_language": "en",
        "translations": booth_translations,
        "languages": language_codes("en", booth_translations),
        "search_text": booth_search_text(
            company_name=name,
            sector=sector_label,
            tagline=tagline,
            description=description,
            country=country,
            translations=booth_translations,
            company_translations=company_translations,
        ),
    }
    return {"company": company, "booth": booth, "sector": sector, "city": city}


# Shares of the volume translated: every Chinese company names itself in Chinese, every Thai one in
# Thai, and many others do too; most booths and products have Chinese texts, more than half Thai
# (a product whose name has no counterpart in the word lists stays in English).
COMPANY_ZH, COMPANY_TH, BOOTH_ZH, BOOTH_TH, PRODUCT_ZH, PRODUCT_TH = 0.5, 0.25, 0.8, 0.5, 1.0, 0.8


def _booth_translations(
    rng: random.Random, country: str, city: str, sector: str, values: dict[str, Any]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(the company's, the booth's) Chinese and Thai texts."""
    company: dict[str, dict[str, str]] = {}
    booth: dict[str, dict[str, str]] = {}
    for index, (language, company_share, booth_share, home, suffix, name_words, taglines, sentences) in enumerate(
        (
            (
                "zh",
                COMPANY_ZH,
                BOOTH_ZH,
                "CN",
                words.ZH_COMPANY_SUFFIX,
                words.ZH_NAME_WORDS,
                words.ZH_TAGLINES,
                words.ZH_BOOTH_SENTENCES,
            ),
            (
                "th",
                COMPANY_TH,
                BOOTH_TH,
                "TH",
                words.TH_COMPANY_SUFFIX,
                words.TH_NAME_WORDS,
                words.TH_TAGLINES,
                words.TH_BOOTH_SENTENCES,
            ),
        )
    ):
        local_city = words.CITIES.get(city, (city, city))[index]
        sector_word = words.SECTOR_WORDS[sector][index]
        if country == home or rng.random() < company_share:
            company[language] = {"name": f"{local_city}{rng.choice(name_words)}{sector_word}{suffix}"}
        if rng.random() < booth_share:
            local = {
                **values,
                "city": local_city,
                "word": sector_word,
                "products": sector_word,
                "port": words.PORTS.get(values["port"], (values["port"],) * 2)[index],
            }
            tagline = rng.choice(taglines).format(**local)
            separator = "" if language == "zh" else " "
            booth[language] = {
                "tagline": tagline,
                "description": separator.join(sentence.format(**local) for sentence in rng.sample(sentences, 3)),
            }
    return company, booth


def _placements(rng: random.Random, plans, booth_ids, pavilions, now) -> Iterator[dict[str, Any]]:
    """Published booths stand in most editions: in their country's pavilion, or a themed one."""
    by_edition: dict[int, list[tuple[int, str, str | None]]] = {}
    for edition_id, pavilion_id, kind, country in pavilions:
        by_edition.setdefault(edition_id, []).append((pavilion_id, kind, country))
    placed = dict.fromkeys(by_edition, 0)  # a stand number names one booth per edition
    for plan, booth_id in zip(plans, booth_ids):
        if plan["booth"]["status"] != Booth.Status.PUBLISHED:
            continue
        for edition_id, choices in by_edition.items():
            if rng.random() > 0.7:
                continue
            national = [p for p in choices if p[1] == Pavilion.COUNTRY and p[2] == plan["booth"]["country"]]
            themed = [p for p in choices if p[1] == Pavilion.THEMED]
            pool = national if national and (rng.random() < 0.5 or not themed) else themed or choices
            pavilion_id = rng.choice(pool)[0]
            number = placed[edition_id]
            placed[edition_id] += 1
            yield {
                "booth_id": booth_id,
                "edition_id": edition_id,
                "pavilion_id": pavilion_id,
                "stand": f"{'ABCDEFGH'[number % 8]}{number // 8 % 9 + 1}-{number // 72 + 1:03d}",
                "created_at": now,
            }


def _product_row(
    rng: random.Random,
    plan,
    booth_id: int,
    position: int,
    categories: dict[str, _Category],
    used_slugs: dict[int, set[str]],
    created: datetime,
    translating: random.Random | None = None,
) -> dict[str, Any]:
    sector_lines = SECTORS[plan["sector"]][1]
    line_slug = rng.choice(sector_lines) if rng.random() < 0.85 else rng.choice(list(LINES))
    line = LINES[line_slug]
    category = categories.get(line_slug)
    base = rng.choice(line.names)
    qualifier = rng.choice(QUALIFIERS) if rng.random() < 0.6 else ""
    name = f"{qualifier} {base}" if qualifier else base
    specifications = [[spec, rng.choice(values)] for spec, values in line.specs if rng.random() < 0.8]
    model = f"{''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(2))}-{rng.randint(100, 9999)}"
    values = {
        "name": base,
        "city": plan["city"],
        "port": rng.choice(PORTS),
        "lead": rng.choice((7, 15, 20, 30, 45)),
        "packing": rng.choice(("cartons", "pallets", "20 ft containers", "40 ft reefer containers", "bags")),
        "model": model,
    }
    description = " ".join(sentence.format(**values) for sentence in rng.sample(PRODUCT_SENTENCES, 3))
    low, high = line.price
    currency, rate = ("CNY", 7.2) if plan["company"]["country"] == "CN" and rng.random() < 0.3 else ("USD", 1.0)
    price_min = round(rng.uniform(low, (low + high) / 2) * rate, 2)
    price_max = round(price_min * rng.uniform(1.0, 1.8), 2)
    priced = rng.random() < 0.85
    slug = slugify(name) or "product"
    taken = used_slugs.setdefault(booth_id, set())
    if slug in taken:
        slug = f"{slug}-{position}"
    taken.add(slug)
    company_name = plan["company"]["name"]
    translations = _product_translations(
        translating or random.Random(position), line_slug, line.names.index(base), plan, values
    )
    company_names = [fields["name"] for _language, fields in sorted(plan["company"]["translations"].items())]
    return {
        "booth_id": booth_id,
        "slug": slug,
        "name": name,
        "category_id": category.id if category else None,
        "description": description,
        "description_html": f"<p>{html.escape(description)}</p>",
        "specifications": specifications,
        "min_order_quantity": rng.choice(line.moqs),
        "order_unit": line.unit,
        "price_min": Decimal(str(price_min)) if priced else None,
        "price_max": Decimal(str(price_max)) if priced else None,
        "currency": currency,
        "hs_code": line.hs_code,
        "availability": rng.choices(tuple(Product.Availability), weights=(70, 20, 6, 4))[0],
        "position": position,
        "created_at": created,
        "updated_at": created,
        "source_language": "en",
        "translations": translations,
        "languages": language_codes("en", translations),
        "search_text": product_search_text(
            name=name,
            category_path=category.path if category else (),
            description=description,
            specifications=specifications,
            hs_code=line.hs_code,
            company_name=company_name,
            country=plan["company"]["country"],
            translations=translations,
            company_names=company_names,
        ),
    }


def _product_translations(
    rng: random.Random, line_slug: str, name_index: int, plan, values: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """The product's name and description in Chinese and Thai: the counterpart of its English name
    in the line's word list (none: no translation), a qualifier now and then, three sentences."""
    translations: dict[str, dict[str, str]] = {}
    for index, (language, share, qualifiers, sentences) in enumerate(
        (
            ("zh", PRODUCT_ZH, words.ZH_QUALIFIERS, words.ZH_PRODUCT_SENTENCES),
            ("th", PRODUCT_TH, words.TH_QUALIFIERS, words.TH_PRODUCT_SENTENCES),
        )
    ):
        names = words.LINE_WORDS[line_slug][index]
        # A name the word list has no counterpart for stays untranslated, as many do.
        if rng.random() >= share or name_index >= len(names):
            continue
        base = names[name_index]
        if rng.random() < 0.4:
            base = f"{rng.choice(qualifiers)}{base}" if language == "zh" else f"{base}{rng.choice(qualifiers)}"
        local = {
            **values,
            "name": base,
            "city": words.CITIES.get(plan["city"], (plan["city"],) * 2)[index],
            "port": words.PORTS.get(values["port"], (values["port"],) * 2)[index],
        }
        separator = "" if language == "zh" else " "
        translations[language] = {
            "name": base,
            "description": separator.join(sentence.format(**local) for sentence in rng.sample(sentences, 3)),
        }
    return translations
