"""The demo exhibition's exhibitors as plain data: companies from China and the ten ASEAN countries, their
booths (where they stand in the 18th China-ASEAN Expo, contacts, opening hours) and their products.

Demo content is data, not interface text: its other languages are in expo.demo.translations. Prices are indicative, in the currency an
exporter of that country would quote; HS codes are the six-digit headings buyers' customs forms ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def hours(*weekday_spans: tuple[str, str], sat: tuple[tuple[str, str], ...] = (),
          sun: tuple[tuple[str, str], ...] = (), fri: tuple[tuple[str, str], ...] | None = None) -> dict:
    """Opening hours as the booth stores them: {"mon": [["08:30", "17:30"]], ..., "sun": []}."""
    week = {day: [list(span) for span in weekday_spans] for day in WEEKDAYS}
    if fri is not None:
        week["fri"] = [list(span) for span in fri]
    week["sat"] = [list(span) for span in sat]
    week["sun"] = [list(span) for span in sun]
    return week


@dataclass(frozen=True)
class DemoProduct:
    name: str
    category: str  # a slug of the shared tree (expo.catalog.category_tree), "" when none fits
    hs_code: str
    moq: int | None
    unit: str
    low: str | None
    high: str | None
    currency: str
    specs: str  # "Name: value; Name: value"
    description: str  # Markdown
    availability: str = "in_stock"

    @property
    def specifications(self) -> list[list[str]]:
        return [[part.strip() for part in pair.split(":", 1)] for pair in self.specs.split(";") if ":" in pair]

    @property
    def price_min(self) -> Decimal | None:
        return Decimal(self.low) if self.low is not None else None

    @property
    def price_max(self) -> Decimal | None:
        return Decimal(self.high) if self.high is not None else None


@dataclass(frozen=True)
class DemoExhibitor:
    name: str
    country: str
    sector: str
    owner: str  # the owner's full name; the account cannot log in
    pavilion: str  # slug of a pavilion of the demo edition; "" leaves the booth unplaced
    stand: str
    tagline: str
    about: str  # the company's description (its exhibitor application)
    booth: str  # the booth's Markdown description
    timezone: str
    opening_hours: dict
    contacts: dict
    products: tuple[DemoProduct, ...]
    status: str = "published"
    website: str = ""
    extra: dict = field(default_factory=dict)


P = DemoProduct
OFFICE = hours(("08:30", "12:00"), ("13:30", "17:30"))  # a Chinese or Vietnamese office with a lunch break

# The demo exhibitor's own booth (the company itself is created with the demo accounts).
NANNING_MASK_MACHINERY = DemoExhibitor(
    name="Nanning Mask Machinery Co.", country="CN", sector="Protective equipment", owner="Chen Yuehe",
    pavilion="public-health", stand="A-12",
    tagline="Mask production lines that run day and night, shipped with spare parts and training",
    about="Mask-making machines; single orders of one or two hundred units.",
    booth="""Since 2012 we have built **mask production lines** in Nanning for factories across China and ASEAN.
During the pandemic our lines were running in more than 30 factories from Hanoi to Jakarta.

- Flat (surgical) and KN95 lines, from a single ear-loop welder to a fully automatic line
- Commissioning by our engineers on site or by video, with operator training in English, Chinese and Vietnamese
- Spare parts kept in stock in Nanning and shipped within 48 hours

> "In one single order the demand is one or two hundred in numbers." — our buyers, 17th CAEXPO

Ask for a video call: we will run a line for you live from our workshop.""",
    timezone="Asia/Shanghai", opening_hours=hours(("08:30", "12:00"), ("13:30", "18:00"), sat=(("09:00", "12:00"),)),
    contacts=dict(email="sales@nanning-mask-machinery.example", phone="+86 771 555 0112",
                  whatsapp="+86 138 0771 0112", wechat="NanningMaskMachinery"),
    website="https://nanning-mask-machinery.example",
    products=(
        P("Fully Automatic Flat Mask Production Line", "production-machinery", "847989", 1, "set", "28000", "36000",
          "USD", "Output: 100–120 masks per minute; Layers: 3 or 4; Power: 9 kW, 220 V / 380 V; Footprint: 7.5 × 3.2 m; "
          "Operators: 1",
          "One line from fabric rolls to finished masks: folding, nose wire insertion, ultrasonic welding of the ear "
          "loops and cutting. **Delivered tested**, with a video of your own line running before it leaves Nanning."),
        P("KN95 Mask Production Line", "production-machinery", "847989", 1, "set", "52000", "65000", "USD",
          "Output: 40–60 masks per minute; Layers: 5; Power: 12 kW, 380 V; Footprint: 9 × 3.5 m",
          "Fold-flat respirator line with automatic ear-loop welding and edge sealing. Suits GB 2626-2019 and "
          "EN 149 FFP2 production when fed with certified melt-blown fabric.", "made_to_order"),
        P("Semi-automatic Ear-loop Welding Machine", "production-machinery", "851580", 2, "set", "3800", "4500", "USD",
          "Output: 25–35 masks per minute; Frequency: 20 kHz ultrasonic; Power: 1.2 kW, 220 V",
          "The machine small workshops start with: one operator welds both ear loops on blank masks."),
        P("Mask Blank Making Machine", "production-machinery", "847989", 1, "set", "16000", "19500", "USD",
          "Output: 120 blanks per minute; Rolls: up to 4; Power: 6 kW",
          "Makes mask bodies for two or three ear-loop welders, the usual layout for a growing factory."),
        P("Ultrasonic Welding Horn (spare part)", "production-machinery", "851590", 10, "pcs", "180", "260", "USD",
          "Material: titanium alloy; Frequency: 20 kHz; Fits: all our lines since 2019",
          "Replacement horns machined in Nanning, shipped within 48 hours from stock."),
        P("Aluminium Nose Wire, 3 mm", "masks-respirators", "760529", 200, "kg", "5.20", "6.40", "USD",
          "Width: 3 mm; Thickness: 0.5 mm; Coil: 10 kg",
          "Soft aluminium nose bridge strip for flat masks; cuts cleanly on every common line."),
        P("Spare Parts Kit for One Year", "production-machinery", "847990", 1, "set", "1500", "2200", "USD",
          "Includes: horns, cutters, belts, sensors, rollers; For: flat mask lines",
          "Everything a line wears out in a year of two-shift production, packed in one case."),
        P("Remote Commissioning and Operator Training", "training-consulting", "", 1, "set", "800", "800", "USD",
          "Duration: 3 days; Languages: English, Chinese, Vietnamese",
          "Our engineers commission your line by video and train two operators and one maintenance technician."),
    ),
)

EXHIBITORS: tuple[DemoExhibitor, ...] = (
    # --- Public Health and Pandemic Prevention ---------------------------------------------------
    DemoExhibitor(
        name="Guangxi Shield Protective Products Co., Ltd.", country="CN", sector="Protective equipment",
        owner="Huang Lihua", pavilion="public-health", stand="A-03",
        tagline="Protective clothing, gowns and goggles for hospitals and border posts",
        about="Maker of medical protective clothing, isolation gowns, goggles and face shields in Yulin, Guangxi.",
        booth="""Our clean-room factory in **Yulin, Guangxi** sews and seals protective clothing for hospitals,
laboratories and border inspection posts.

- Registered medical devices in China; CE (EU 2016/425, category III) for the coveralls
- 8 million pieces a month across four production halls
- Private labelling from 5,000 pieces

Samples ship within three days.""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="export@gx-shield.example", phone="+86 775 555 0188", wechat="GXShieldExport",
                      whatsapp="+86 139 7750 0188"),
        website="https://gx-shield.example",
        products=(
            P("Medical Protective Coverall, Type 5/6", "protective-equipment", "621010", 2000, "pcs", "2.10", "3.40",
              "USD", "Material: 60 gsm microporous film laminate; Seams: heat-taped; Sizes: M–XXXL; Standard: GB 19082-2009",
              "Hooded coverall with elastic cuffs and a two-way zip under a sealed flap."),
            P("Isolation Gown, Level 2", "protective-equipment", "621010", 5000, "pcs", "0.45", "0.70", "USD",
              "Material: 35 gsm SMS non-woven; Cuffs: knitted; Standard: AAMI PB70 level 2",
              "Back-tie isolation gown for wards and clinics, packed 10 to a bag and 100 to a carton."),
            P("Anti-fog Medical Goggles", "protective-equipment", "900490", 1000, "pcs", "1.20", "1.90", "USD",
              "Lens: polycarbonate, anti-fog coated; Ventilation: indirect; Strap: adjustable elastic",
              "Fit over prescription glasses; can be disinfected and reused."),
            P("Full Face Shield", "protective-equipment", "392690", 2000, "pcs", "0.28", "0.45", "USD",
              "Visor: 0.3 mm PET, anti-fog; Headband: foam with elastic",
              "Light face shield for screening staff and dentists."),
            P("Nitrile Examination Gloves, powder-free", "protective-equipment", "401512", 200, "ctn", "28", "36", "USD",
              "Packing: 100 gloves per box, 10 boxes per carton; Sizes: XS–XL; AQL: 1.5",
              "Blue nitrile gloves for examination and laboratory work."),
            P("Disposable Shoe Covers", "protective-equipment", "630790", 100, "ctn", "12", "18", "USD",
              "Material: 40 gsm non-woven, anti-slip sole; Packing: 1,000 pieces per carton",
              "Elasticated shoe covers for clean areas and operating theatres."),
            P("Medical Surgical Mask, Type IIR", "masks-respirators", "630790", 200, "ctn", "45", "60", "USD",
              "Layers: 3; BFE: ≥ 98 %; Standard: EN 14683 type IIR; Packing: 50 per box, 40 boxes per carton",
              "Fluid-resistant surgical mask with ear loops and a bendable nose bridge."),
            P("KN95 Respirator", "masks-respirators", "630790", 100, "ctn", "120", "150", "USD",
              "Layers: 5; Filtration: ≥ 95 %; Standard: GB 2626-2019; Packing: 20 per box, 50 boxes per carton",
              "Fold-flat respirator, individually packed."),
            P("Protective Hood with Shoulder Cover", "protective-equipment", "621010", 1000, "pcs", "0.60", "0.90",
              "USD", "Material: SMS non-woven; Closure: elastic face opening",
              "Worn with gowns where a coverall is more than needed."),
            P("Medical Protective Kit", "protective-equipment", "630790", 500, "pcs", "4.50", "6.00", "USD",
              "Contents: coverall, KN95, goggles, gloves, shoe covers; Packing: one kit per bag",
              "Everything one person needs for one shift, in one bag: ready for emergency stockpiles.", "made_to_order"),
        ),
    ),
    DemoExhibitor(
        name="Liuzhou Jiangnan Special Vehicle Co.", country="CN", sector="Medical vehicles",
        owner="Wei Guoqiang", pavilion="public-health", stand="A-01",
        tagline="Negative pressure ambulances and mobile nucleic acid laboratories",
        about="Builder of ambulances and special-purpose medical vehicles on light-truck and van chassis, Liuzhou.",
        booth="""We convert vans and light trucks into **negative pressure ambulances**, **nucleic acid detection
vehicles** and mobile vaccination clinics. Our vehicles served in the 17th CAEXPO's public pandemic prevention
exhibition and now work in six ASEAN countries.

| Vehicle | Lead time |
| --- | --- |
| Negative pressure ambulance | 45 days |
| Nucleic acid detection vehicle | 60 days |
| Mobile vaccination vehicle | 40 days |

Right-hand drive is available for Brunei, Malaysia, Singapore and Thailand.""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="vehicles@ljsv.example", phone="+86 772 555 0130", wechat="LJSVehicles"),
        website="https://ljsv.example",
        products=(
            P("Negative Pressure Ambulance", "medical-vehicles", "870323", 1, "unit", "48000", "62000", "USD",
              "Chassis: long-wheelbase van; Cabin pressure: −10 to −30 Pa; Filtration: HEPA H13; Equipment: stretcher, "
              "oxygen, UV disinfection",
              "Keeps the patient compartment at negative pressure so that exhaust air leaves only through HEPA filters. "
              "**Right-hand drive available.**", "made_to_order"),
            P("Nucleic Acid Detection Vehicle", "medical-vehicles", "870590", 1, "unit", "180000", "240000", "USD",
              "Lab class: BSL-2; Capacity: up to 1,500 samples per day; Zones: 3 (sampling, preparation, amplification); "
              "Power: on-board generator and shore power",
              "A complete PCR laboratory on a truck: sampling window, biosafety cabinet, extraction and amplification, "
              "with its own air handling.", "made_to_order"),
            P("Mobile Vaccination Vehicle", "medical-vehicles", "870590", 1, "unit", "65000", "78000", "USD",
              "Cold chain: 2–8 °C medical refrigerators; Stations: 2 vaccination, 1 observation; Awning: 4 m",
              "Takes vaccination to villages and factories, with a cold chain logged every minute.", "made_to_order"),
            P("Mobile Fever Screening Station", "medical-vehicles", "870590", 1, "unit", "32000", "40000", "USD",
              "Thermal camera: ±0.3 °C; Lanes: 2; Trailer: single axle",
              "A towable checkpoint for border crossings and ports."),
            P("Ambulance Stretcher with Loading System", "medical-devices", "940290", 10, "pcs", "1100", "1500", "USD",
              "Load: 227 kg; Material: aluminium alloy; Height positions: 6",
              "The stretcher fitted in our ambulances, also sold separately."),
        ),
    ),
    DemoExhibitor(
        name="Hanoi Bio-Diagnostics JSC", country="VN", sector="Diagnostics", owner="Pham Thu Ha",
        pavilion="public-health", stand="A-08",
        tagline="Rapid tests and PCR kits made in Vietnam for tropical diseases",
        about="Developer and maker of rapid diagnostic tests and RT-PCR kits, Hoa Lac Hi-Tech Park, Hanoi.",
        booth="""Our laboratory in the **Hoa Lac Hi-Tech Park** develops tests for the diseases of our region:
COVID-19, dengue, malaria and hand, foot and mouth disease.

- ISO 13485 certified production
- Kits validated with the National Institute of Hygiene and Epidemiology
- Cold-chain shipping across ASEAN within five days""",
        timezone="Asia/Ho_Chi_Minh", opening_hours=OFFICE,
        contacts=dict(email="sales@hanoi-biodx.example", phone="+84 24 5550 1290", whatsapp="+84 912 555 129"),
        products=(
            P("SARS-CoV-2 Antigen Rapid Test", "diagnostics", "382219", 100, "ctn", "95", "130", "USD",
              "Sample: nasal swab; Time to result: 15 minutes; Sensitivity: 96.8 %; Packing: 25 tests per box, "
              "20 boxes per carton",
              "Lateral-flow test for professional and self-testing use."),
            P("SARS-CoV-2 RT-PCR Kit", "diagnostics", "382219", 20, "kits", "180", "240", "USD",
              "Targets: ORF1ab, N; Tests per kit: 96; Storage: −20 °C",
              "Multiplex real-time PCR kit that runs on the common open thermocyclers."),
            P("Dengue NS1 Antigen Rapid Test", "diagnostics", "382219", 100, "ctn", "80", "110", "USD",
              "Sample: serum, plasma or whole blood; Time to result: 20 minutes",
              "Detects dengue from the first day of fever, before antibodies appear."),
            P("Malaria Pf/Pv Rapid Test", "diagnostics", "382219", 100, "ctn", "70", "95", "USD",
              "Targets: HRP-2 (P. falciparum), pLDH (P. vivax); Time to result: 20 minutes",
              "For clinics and border health posts without a microscope."),
            P("Viral Transport Medium Tubes", "diagnostics", "382219", 200, "ctn", "36", "48", "USD",
              "Volume: 3 ml; Swab: flocked nylon; Packing: 50 tubes per box",
              "Keeps samples stable for 72 hours at 2–8 °C."),
            P("Hand, Foot and Mouth Disease EV71 IgM Test", "diagnostics", "382219", 100, "ctn", "85", "120", "USD",
              "Sample: serum or plasma; Time to result: 15 minutes",
              "Supports outbreak control in kindergartens and schools.", "pre_order"),
        ),
    ),
    # --- Big Health Industry ----------------------------------------------------------------------
    DemoExhibitor(
        name="Guilin Dental Supplies Co.", country="CN", sector="Dental supplies", owner="Li Mei",
        pavilion="big-health", stand="B-02",
        tagline="Everything a dental clinic orders, from composite resin to implants",
        about="Manufacturer and distributor of dental consumables, instruments and equipment, Guilin.",
        booth="""For twenty years we have supplied dental clinics and hospitals in China and South-East Asia.
Speakers of the **China-ASEAN Forum on Dentistry** visit our booth every year.

Our catalogue covers consumables, instruments, implants and complete treatment units, with training for
clinic staff in Guilin or online.""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="clinic@guilin-dental.example", phone="+86 773 555 0166", wechat="GuilinDental"),
        products=(
            P("Light-cure Nano Composite Resin", "dental-supplies", "300640", 100, "pcs", "6.50", "9.00", "USD",
              "Syringe: 4 g; Shades: 16 (VITA); Filler: 78 % by weight",
              "Universal nano-hybrid composite for anterior and posterior restorations."),
            P("Dental Treatment Unit", "dental-supplies", "940210", 1, "set", "3200", "5800", "USD",
              "Chair: electric, 9 memory positions; Light: LED 8,000–30,000 lux; Handpiece tubes: 4",
              "Complete treatment unit with an integrated dentist's and assistant's instrument tray.", "made_to_order"),
            P("Titanium Dental Implant System", "dental-supplies", "902129", 50, "pcs", "38", "55", "USD",
              "Material: grade 4 titanium; Surface: SLA; Diameters: 3.5–5.0 mm",
              "Implants with matching abutments and a surgical kit on loan for the first order."),
            P("Orthodontic Metal Brackets", "dental-supplies", "902110", 200, "pcs", "4.20", "6.00", "USD",
              "Prescription: Roth or MBT; Slot: 0.022 inch; Packing: one case of 20 brackets",
              "Metal-injection-moulded brackets with laser-marked identification."),
            P("High-speed Dental Handpiece", "dental-supplies", "901849", 20, "pcs", "45", "85", "USD",
              "Speed: 350,000–450,000 rpm; Coupling: 2- or 4-hole; Bearings: ceramic",
              "Push-button handpiece, autoclavable at 135 °C."),
            P("Alginate Impression Material", "dental-supplies", "340700", 200, "pcs", "2.80", "3.60", "USD",
              "Bag: 453 g; Setting time: fast (1 min 30 s) or normal; Flavour: mint",
              "Dust-free alginate with a colour change that shows when to insert."),
            P("Disposable Dental Examination Kit", "dental-supplies", "901849", 100, "ctn", "40", "55", "USD",
              "Contents: mirror, probe, tweezers, bib, cup; Packing: 100 kits per carton",
              "Single-use kit for screening campaigns and busy clinics."),
        ),
    ),
    DemoExhibitor(
        name="Lion City MedTech Pte. Ltd.", country="SG", sector="Medical devices", owner="Tan Wei Ming",
        pavilion="big-health", stand="B-05",
        tagline="Patient monitoring designed in Singapore for hospitals across ASEAN",
        about="Designer of patient monitors, pulse oximeters and infusion pumps, with its own service network.",
        booth="""Our engineers in **Singapore** design monitoring devices for hospitals where nurses look after many
patients at once. Devices are HSA-registered and CE-marked; service centres in Kuala Lumpur, Bangkok and Jakarta.

Ask about our *ward bundle*: monitors, central station and two years of service for one price.""",
        timezone="Asia/Singapore", opening_hours=hours(("09:00", "18:00")),
        contacts=dict(email="hello@lioncitymedtech.example", phone="+65 6555 0142", whatsapp="+65 9555 0142"),
        website="https://lioncitymedtech.example",
        products=(
            P("Bedside Patient Monitor, 12.1 inch", "medical-devices", "901819", 5, "pcs", "1450", "2100", "SGD",
              "Parameters: ECG, SpO₂, NIBP, temperature, respiration; Battery: 4 hours; Screen: 12.1 inch touch",
              "Modular monitor for wards and emergency rooms."),
            P("Fingertip Pulse Oximeter", "medical-devices", "901819", 200, "pcs", "9.50", "14.00", "USD",
              "SpO₂ range: 70–100 %; Accuracy: ±2 %; Display: OLED",
              "For home isolation programmes and clinics."),
            P("Volumetric Infusion Pump", "medical-devices", "901890", 10, "pcs", "680", "950", "USD",
              "Flow rate: 0.1–1,200 ml/h; Accuracy: ±5 %; Drug library: 1,000 entries",
              "Infusion pump with dose error reduction and a battery for patient transport."),
            P("Central Monitoring Station", "medical-devices", "901819", 1, "set", "5200", "7800", "USD",
              "Beds: up to 32; Network: wired or Wi-Fi; Review: 240 hours",
              "One screen for a ward's monitors, with alarms on the nurses' phones.", "made_to_order"),
            P("Wearable ECG Patch", "medical-devices", "901811", 100, "pcs", "55", "75", "USD",
              "Recording: 7 days continuous; Leads: single; Water resistance: IP67",
              "Ambulatory ECG for outpatients, analysed in our cloud service."),
        ),
    ),
    DemoExhibitor(
        name="Manila Generic Pharma Laboratories Inc.", country="PH", sector="Pharmaceuticals", owner="Maria Santos",
        pavilion="big-health", stand="B-07",
        tagline="Essential generic medicines, WHO-GMP certified, from Laguna",
        about="Maker of generic tablets, capsules, syrups and oral rehydration salts in Calamba, Laguna.",
        booth="""We produce **essential medicines** for public health programmes and pharmacies in the Philippines and
across ASEAN. Our plant in Calamba is WHO-GMP certified and registered with the Philippine FDA.

Tender documentation (CPP, stability data, COA) is available on request.""",
        timezone="Asia/Manila", opening_hours=hours(("08:00", "17:00"), sat=(("08:00", "12:00"),)),
        contacts=dict(email="tenders@manila-generic.example", phone="+63 49 555 0175", whatsapp="+63 917 555 0175"),
        products=(
            P("Paracetamol 500 mg Tablets", "pharmaceuticals", "300490", 200, "ctn", "38", "46", "USD",
              "Packing: 10 × 10 blister per box, 50 boxes per carton; Shelf life: 36 months",
              "Analgesic and antipyretic, bioequivalence-tested."),
            P("Amoxicillin 500 mg Capsules", "pharmaceuticals", "300410", 100, "ctn", "85", "110", "USD",
              "Packing: 10 × 10 blister per box; Shelf life: 24 months",
              "Broad-spectrum antibiotic for public tenders."),
            P("Oral Rehydration Salts, low osmolarity", "pharmaceuticals", "300490", 200, "ctn", "22", "30", "USD",
              "Sachet: 20.5 g for 1 litre; Formula: WHO 2006; Packing: 500 sachets per carton",
              "For diarrhoea and dehydration, in English and Filipino labelling."),
            P("Vitamin C 500 mg Tablets", "health-supplements", "300450", 200, "ctn", "30", "40", "USD",
              "Packing: bottle of 100; Form: ascorbic acid, film-coated",
              "Everyday supplement in pharmacy and supermarket packs."),
            P("Salbutamol 2 mg/5 ml Syrup", "pharmaceuticals", "300490", 100, "ctn", "48", "60", "USD",
              "Bottle: 60 ml; Packing: 100 bottles per carton",
              "Bronchodilator syrup for children."),
        ),
    ),
    # --- Traditional Medicine and Health Tourism -----------------------------------------------------
    DemoExhibitor(
        name="Guangxi Zhuang Herbal Medicine Co.", country="CN", sector="Traditional medicine", owner="Zhou Ping",
        pavilion="traditional-medicine", stand="C-01",
        tagline="Luo Han Guo, Sanqi and the herbs of Guangxi, grown and extracted at home",
        about="Grower and processor of Guangxi medicinal herbs: extracts, powders and granules for traditional medicine.",
        booth="""Guangxi is home to more than **4,000 medicinal plants**. We grow Luo Han Guo in Yongfu and Sanqi on
our partner farms, and extract them in our GMP workshop in Nanning.

- GACP farms with traceable batches
- Extracts standardised by HPLC
- Export experience to Malaysia, Singapore, Thailand and Vietnam""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="herbs@gx-zhuang-herbal.example", phone="+86 771 555 0199", wechat="GXZhuangHerbal"),
        products=(
            P("Luo Han Guo Extract, 25 % Mogroside V", "herbal-medicine", "130219", 25, "kg", "95", "130", "USD",
              "Form: light yellow powder; Test: HPLC; Solubility: water-soluble",
              "Monk fruit extract used as a natural sweetener and in cough remedies."),
            P("Sanqi (Panax notoginseng) Root Powder", "herbal-medicine", "121190", 25, "kg", "60", "85", "USD",
              "Mesh: 80; Origin: Wenshan and Guangxi; Saponins: ≥ 5 %",
              "Traditionally used to stop bleeding and improve circulation."),
            P("Herbal Cooling Tea Granules", "herbal-medicine", "210690", 200, "ctn", "18", "26", "USD",
              "Sachet: 10 g; Ingredients: chrysanthemum, honeysuckle, mesona; Packing: 20 sachets per box",
              "The cooling tea of southern China, dissolved in hot water."),
            P("Medicated Massage Oil", "herbal-medicine", "300490", 200, "ctn", "55", "70", "USD",
              "Bottle: 25 ml; Packing: 240 bottles per carton",
              "Camphor, menthol and cassia oil for muscle aches."),
            P("Dried Gynostemma Herb", "herbal-medicine", "121190", 100, "kg", "9", "14", "USD",
              "Cut: 3–5 mm; Moisture: ≤ 12 %",
              "Jiaogulan, brewed as a daily tea."),
            P("Ginger and Jujube Paste", "health-supplements", "210690", 200, "ctn", "28", "36", "USD",
              "Jar: 250 g; Packing: 24 jars per carton",
              "A warming winter paste made with Guangxi ginger."),
        ),
    ),
    DemoExhibitor(
        name="Jamu Nusantara", country="ID", sector="Traditional medicine", owner="Dewi Lestari",
        pavilion="traditional-medicine", stand="C-04",
        tagline="Indonesian jamu from family recipes, made to modern standards in Central Java",
        about="Maker of jamu (Indonesian herbal medicine) and essential oils in Semarang, Central Java.",
        booth="""**Jamu** is Indonesia's herbal tradition: turmeric, ginger, temulawak and galangal, taken every day for
health. Our recipes come from three generations of jamu makers in Semarang; our factory is certified CPOTB
(Indonesian GMP for traditional medicine) and **halal**.

We welcome distributors and private label partners across ASEAN and China.""",
        timezone="Asia/Jakarta", opening_hours=hours(("08:00", "16:00"), fri=(("08:00", "11:30"), ("13:30", "16:00"))),
        contacts=dict(email="export@jamu-nusantara.example", phone="+62 24 5550 1440", whatsapp="+62 812 555 1440"),
        products=(
            P("Kunyit Asam (Turmeric and Tamarind) Drink", "herbal-medicine", "210690", 200, "ctn", "14", "19", "USD",
              "Bottle: 250 ml; Shelf life: 12 months; Packing: 24 bottles per carton",
              "The best-known jamu, ready to drink."),
            P("Temulawak Capsules", "herbal-medicine", "210690", 100, "ctn", "60", "80", "USD",
              "Capsule: 500 mg Curcuma xanthorrhiza extract; Packing: 60 capsules per bottle, 48 bottles per carton",
              "Traditionally taken for the liver and appetite."),
            P("Minyak Kayu Putih (Cajuput Oil)", "herbal-medicine", "330129", 200, "ctn", "42", "55", "USD",
              "Bottle: 60 ml; Origin: Buru Island; Packing: 144 bottles per carton",
              "Warming oil for colds, insect bites and tummy aches."),
            P("Instant Ginger Drink (Jahe Merah)", "herbal-medicine", "210690", 200, "ctn", "16", "22", "USD",
              "Sachet: 20 g; Packing: 10 sachets per box, 24 boxes per carton",
              "Red ginger with palm sugar, stirred into hot water."),
            P("Beras Kencur Powder", "herbal-medicine", "210690", 100, "ctn", "20", "27", "USD",
              "Sachet: 15 g; Ingredients: rice, aromatic ginger, palm sugar",
              "A refreshing jamu for energy after work."),
        ),
    ),
    DemoExhibitor(
        name="Chiang Mai Herbal Spa Supplies", country="TH", sector="Health tourism", owner="Siriporn Kaewmanee",
        pavilion="traditional-medicine", stand="C-06",
        tagline="Thai herbal compresses, balms and spa programmes from Northern Thailand",
        about="Supplier of Thai traditional massage products to spas and hotels, and organiser of wellness stays.",
        booth="""From **Chiang Mai**, the home of Thai traditional massage, we supply spas and hotels with herbal
compresses, balms and oils made from herbs grown by hill-tribe cooperatives.

We also organise *wellness stays* for groups: Thai massage courses, herbal steam and temple visits.""",
        timezone="Asia/Bangkok", opening_hours=hours(("09:00", "18:00"), sat=(("09:00", "15:00"),)),
        contacts=dict(email="spa@cm-herbalspa.example", phone="+66 53 555 0118", line_id="cmherbalspa",
                      whatsapp="+66 81 555 0118"),
        products=(
            P("Thai Herbal Compress Ball", "wellness-devices", "300490", 200, "pcs", "2.40", "3.20", "USD",
              "Weight: 150 g; Herbs: plai, lemongrass, kaffir lime, turmeric, camphor",
              "Steamed and pressed on the body after a Thai massage."),
            P("Green Herbal Balm", "herbal-medicine", "300490", 200, "ctn", "95", "120", "THB",
              "Jar: 50 g; Packing: 48 jars per carton",
              "Cooling balm with Clinacanthus nutans (phaya yo)."),
            P("Plai Massage Oil", "herbal-medicine", "330129", 100, "ctn", "1800", "2400", "THB",
              "Bottle: 1 litre; Packing: 12 bottles per carton",
              "Professional massage oil with Zingiber cassumunar."),
            P("Five-day Wellness Stay for Groups", "health-tourism", "", 10, "guests", "650", "900", "USD",
              "Includes: 4 nights, daily massage, herbal steam, cooking class; Group: 10–24 guests",
              "A programme for health tourism agencies: per guest, from Chiang Mai airport.", "pre_order"),
            P("Thai Massage Course for Therapists", "training-consulting", "", 1, "participant", "420", "420", "USD",
              "Duration: 30 hours; Certificate: recognised by the Thai Ministry of Public Health",
              "For spa staff from abroad; taught in English and Chinese."),
        ),
    ),
    # --- Food and Agriculture -------------------------------------------------------------------------
    DemoExhibitor(
        name="Buon Ma Thuot Coffee Export JSC", country="VN", sector="Coffee", owner="Tran Van Hoang",
        pavilion="food-agriculture", stand="D-01",
        tagline="Robusta from the Central Highlands, green or roasted to order",
        about="Coffee grower, processor and exporter in Dak Lak province, the heart of Vietnam's Central Highlands.",
        booth="""**Buon Ma Thuot** is Vietnam's coffee capital. We buy cherries from 1,200 farming families, process them
in our own wet and dry mills and ship green beans or roasted coffee to roasters in China and across ASEAN.

- Robusta and fine robusta, natural or honey processed
- 4C and Rainforest Alliance certified lots
- Roasting and private label packing in Buon Ma Thuot""",
        timezone="Asia/Ho_Chi_Minh", opening_hours=OFFICE,
        contacts=dict(email="trade@bmt-coffee.example", phone="+84 262 555 0134", whatsapp="+84 905 555 134",
                      wechat="BMTCoffeeVN"),
        website="https://bmt-coffee.example",
        products=(
            P("Robusta Green Coffee Beans, Grade 1, Screen 18", "coffee-tea", "090111", 19, "MT", "4200", "4650", "USD",
              "Moisture: ≤ 12.5 %; Black and broken: ≤ 2 %; Packing: 60 kg jute bags, 19.2 t per 20 ft container",
              "Export grade robusta, wet-polished, crop of this year."),
            P("Fine Robusta, Honey Processed", "coffee-tea", "090111", 1, "MT", "6800", "7600", "USD",
              "Cupping score: 82+; Altitude: 600–800 m; Packing: 30 kg GrainPro bags",
              "Micro-lot robusta with notes of dark chocolate and dried fruit."),
            P("Roasted Coffee Beans, Medium-dark", "coffee-tea", "090121", 500, "kg", "9.50", "12.00", "USD",
              "Blend: robusta 70 %, arabica 30 %; Bag: 1 kg with valve",
              "Roasted to order within a week of shipping."),
            P("Vietnamese Instant Coffee 3 in 1", "coffee-tea", "210111", 200, "ctn", "24", "30", "USD",
              "Sachet: 18 g; Packing: 20 sachets per bag, 24 bags per carton",
              "Coffee, creamer and sugar, the way Vietnam drinks it on the go."),
            P("Phin Filter Ground Coffee", "coffee-tea", "090121", 200, "ctn", "38", "46", "USD",
              "Bag: 500 g; Grind: coarse for phin; Packing: 20 bags per carton",
              "Roasted with a touch of butter, for the traditional drip filter."),
            P("Coffee Cascara (Dried Cherry Husk)", "coffee-tea", "090190", 100, "kg", "6", "8", "USD",
              "Moisture: ≤ 10 %; Packing: 10 kg cartons",
              "Brewed as a fruity tea; a by-product that used to be thrown away."),
        ),
    ),
    DemoExhibitor(
        name="Musang King Durian Malaysia Sdn. Bhd.", country="MY", sector="Tropical fruit", owner="Lim Chee Keong",
        pavilion="food-agriculture", stand="D-03",
        tagline="Musang King and Black Thorn durian from Pahang, frozen at the orchard",
        about="Durian orchards and a blast-freezing plant in Raub, Pahang; exporter of whole and processed durian.",
        booth="""Durian is the king of fruits and **Musang King** is the king of durians. Our orchards in **Raub,
Pahang** let fruit fall naturally; within hours it is blast-frozen at −40 °C to keep its taste.

We are approved to export whole frozen durian to China, with full traceability from tree to container.""",
        timezone="Asia/Kuala_Lumpur", opening_hours=hours(("09:00", "18:00"), sat=(("09:00", "13:00"),)),
        contacts=dict(email="export@mk-durian.example", phone="+60 9 555 0161", whatsapp="+60 12 555 0161",
                      wechat="MKDurianMY"),
        products=(
            P("Musang King Durian, frozen whole", "tropical-fruit", "081190", 1, "MT", "18000", "24000", "USD",
              "Grade: AA; Weight per fruit: 1.2–2.5 kg; Freezing: −40 °C blast; Packing: 10 kg carton",
              "Whole fruit, frozen within six hours of falling."),
            P("Musang King Durian Pulp, frozen", "tropical-fruit", "081190", 500, "kg", "38", "48", "USD",
              "Box: 400 g vacuum packed; Storage: −18 °C",
              "Seedless pulp for dessert shops and bakeries."),
            P("Black Thorn Durian, frozen whole", "tropical-fruit", "081190", 1, "MT", "26000", "32000", "USD",
              "Grade: AA; Season: June–August",
              "The rarest Malaysian variety, sweet and creamy.", "pre_order"),
            P("Freeze-dried Durian Chips", "processed-food", "081340", 200, "ctn", "180", "230", "USD",
              "Bag: 50 g; Packing: 50 bags per carton; Shelf life: 18 months",
              "Crunchy durian that travels without a freezer."),
            P("Durian Paste for Bakeries", "processed-food", "200799", 500, "kg", "14", "19", "USD",
              "Pack: 1 kg; Sugar added: 10 %",
              "For mooncakes, crêpes and ice cream."),
        ),
    ),
    DemoExhibitor(
        name="Lampung Spice Trading", country="ID", sector="Spices", owner="Budi Santoso",
        pavilion="food-agriculture", stand="D-05",
        tagline="Pepper, cloves and nutmeg from the original Spice Islands",
        about="Collector, cleaner and exporter of Indonesian spices, with warehouses in Bandar Lampung and Ambon.",
        booth="""Indonesia gave the world its spices. We buy **Lampung black pepper**, **Muntok white pepper** and the
cloves and nutmeg of Maluku directly from farmer groups, clean and sort them in our steam-sterilised lines and
ship in containers or small bags.

Laboratory reports (moisture, piperine, aflatoxin) come with every lot.""",
        timezone="Asia/Jakarta", opening_hours=hours(("08:00", "16:30"), sat=(("08:00", "12:00"),)),
        contacts=dict(email="spice@lampung-spice.example", phone="+62 721 555 0150", whatsapp="+62 811 555 0150"),
        products=(
            P("Lampung Black Pepper, ASTA 550 g/l", "spices-condiments", "090411", 5, "MT", "4800", "5600", "USD",
              "Density: 550 g/l; Moisture: ≤ 12 %; Piperine: ≥ 4 %; Packing: 50 kg bags",
              "Bold, pungent pepper from Lampung, machine cleaned."),
            P("Muntok White Pepper", "spices-condiments", "090411", 5, "MT", "6800", "7600", "USD",
              "Density: 630 g/l; Origin: Bangka Island; Packing: 25 kg bags",
              "Traditional sun-retted white pepper with a clean, hot taste."),
            P("Cloves, hand-picked", "spices-condiments", "090710", 2, "MT", "7200", "8400", "USD",
              "Grade: Lal Pari; Moisture: ≤ 12 %; Origin: Maluku",
              "Whole cloves with heads, for kretek, food and pharmaceuticals."),
            P("Nutmeg ABCD, whole", "spices-condiments", "090811", 1, "MT", "8500", "9800", "USD",
              "Size: 110–120 nuts per pound; Origin: Banda Islands",
              "Sound nutmeg, sorted and aflatoxin tested."),
            P("Cassia Cinnamon Sticks", "spices-condiments", "090611", 2, "MT", "3100", "3800", "USD",
              "Length: 8 cm; Grade: KA; Origin: Kerinci, Sumatra",
              "Sweet and aromatic Korintje cinnamon."),
            P("Ground Spice Retail Pack", "spices-condiments", "091099", 200, "ctn", "26", "34", "USD",
              "Jar: 40 g; Range: pepper, cinnamon, nutmeg, cloves; Packing: 48 jars per carton",
              "Supermarket jars with your label or ours.", "made_to_order"),
        ),
    ),
    # --- Materials and Industry -----------------------------------------------------------------------
    DemoExhibitor(
        name="Beibu Gulf Steel Co., Ltd.", country="CN", sector="Steel", owner="Liang Jun",
        pavilion="materials-industry", stand="E-01",
        tagline="Hot-rolled coil, rebar and sections from Fangchenggang, a day's sail from ASEAN",
        about="Integrated steel maker at Fangchenggang port, Guangxi, supplying construction and manufacturing in ASEAN.",
        booth="""Our mill sits on the quay at **Fangchenggang**: coils leave the rolling line and are loaded on ships for
Haiphong, Manila and Jakarta within days.

- 10 million tonnes a year of hot-rolled coil, rebar and sections
- Mill test certificates to EN 10204 3.1
- Standards: GB, JIS, ASTM and the SNI/TIS/PNS national standards of ASEAN""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="sales@beibu-steel.example", phone="+86 770 555 0177", wechat="BeibuSteelSales"),
        products=(
            P("Hot-rolled Steel Coil Q235B", "steel-metals", "720839", 500, "MT", "520", "590", "USD",
              "Thickness: 1.8–12 mm; Width: 1,000–1,500 mm; Standard: GB/T 3274, equivalent to SS400",
              "Structural coil for pipes, frames and general fabrication."),
            P("Deformed Steel Rebar HRB400", "steel-metals", "721420", 500, "MT", "480", "540", "USD",
              "Diameter: 10–32 mm; Length: 12 m; Standard: GB/T 1499.2",
              "Reinforcing bar for buildings and infrastructure."),
            P("Hot-rolled H-beam", "steel-metals", "721633", 200, "MT", "560", "640", "USD",
              "Sizes: 100 × 100 to 400 × 400 mm; Grade: Q355B; Length: 6–12 m",
              "Wide-flange sections for industrial buildings and bridges."),
            P("Hot-dip Galvanised Steel Sheet", "steel-metals", "721049", 100, "MT", "690", "780", "USD",
              "Thickness: 0.3–3 mm; Zinc coating: 40–275 g/m²; Standard: JIS G3302",
              "For roofing, ducts and appliances in humid climates."),
            P("Steel Wire Rod SAE1008", "steel-metals", "721391", 500, "MT", "500", "560", "USD",
              "Diameter: 5.5–12 mm; Coil weight: 2 t",
              "For drawing into wire, nails and mesh."),
        ),
    ),
    DemoExhibitor(
        name="Riau Pulp and Paper Mills", country="ID", sector="Paper", owner="Hendra Wijaya",
        pavilion="materials-industry", stand="E-03",
        tagline="Copy paper, kraft and tissue from plantation fibre in Riau",
        about="Pulp and paper maker in Riau, Sumatra, supplying office paper, packaging paper and tissue parent rolls.",
        booth="""Paper is one of the "soft currencies" of China-ASEAN trade. Our mill in **Riau** makes pulp from
certified plantation fibre and turns it into office paper, kraft liner and tissue.

FSC and PEFC chain-of-custody certificates; shipments to Chinese ports every week.""",
        timezone="Asia/Jakarta", opening_hours=hours(("08:00", "17:00")),
        contacts=dict(email="paper@riau-ppm.example", phone="+62 761 555 0121", whatsapp="+62 813 555 0121"),
        products=(
            P("A4 Copy Paper, 80 gsm", "paper-pulp", "480256", 1000, "ctn", "14.50", "17.00", "USD",
              "Whiteness: CIE 161; Packing: 500 sheets per ream, 5 reams per carton; Container: 1,600 cartons",
              "Smooth, jam-free paper for laser and inkjet printers."),
            P("Kraft Liner Board, 150 gsm", "paper-pulp", "480411", 100, "MT", "520", "610", "USD",
              "Burst: ≥ 450 kPa; Reel width: 1,400–2,500 mm",
              "Unbleached liner for corrugated boxes."),
            P("Tissue Parent Rolls", "paper-pulp", "480300", 50, "MT", "980", "1150", "USD",
              "Basis weight: 13–17 gsm; Ply: 1; Fibre: virgin",
              "Jumbo rolls for converters of toilet tissue and napkins."),
            P("Bleached Hardwood Kraft Pulp", "paper-pulp", "470329", 500, "MT", "540", "620", "USD",
              "Brightness: 89 % ISO; Packing: bales of 250 kg",
              "Acacia pulp for printing papers and tissue."),
            P("Recycled Kraft Paper Bags", "paper-pulp", "481940", 200, "ctn", "45", "60", "USD",
              "Size: 32 × 12 × 28 cm; Handles: twisted paper; Packing: 250 bags per carton",
              "Shopping bags that replace plastic ones.", "made_to_order"),
        ),
    ),
    DemoExhibitor(
        name="Songkhla Natural Rubber Co., Ltd.", country="TH", sector="Rubber", owner="Somsak Chaiyaporn",
        pavilion="materials-industry", stand="E-05",
        tagline="Smoked sheets, block rubber and latex from Southern Thailand's smallholders",
        about="Processor and exporter of natural rubber in Hat Yai, Songkhla, buying from 8,000 smallholders.",
        booth="""Southern Thailand produces more natural rubber than any other region on earth. We process the latex of
**8,000 smallholders** in Songkhla into ribbed smoked sheets, block rubber and centrifuged latex.

Our lots are EUDR-ready: every bale traces back to the plots it came from.""",
        timezone="Asia/Bangkok", opening_hours=hours(("08:00", "17:00"), sat=(("08:00", "12:00"),)),
        contacts=dict(email="rubber@songkhla-rubber.example", phone="+66 74 555 0190", line_id="skrubber"),
        products=(
            P("Ribbed Smoked Sheet RSS3", "rubber-plastics", "400121", 20, "MT", "1850", "2100", "USD",
              "Grade: RSS3 (Green Book); Bale: 111.11 kg; Container: 20 t",
              "Sheet rubber for tyres and footwear."),
            P("Standard Thai Rubber STR20", "rubber-plastics", "400122", 20, "MT", "1700", "1900", "USD",
              "Dirt: ≤ 0.16 %; Ash: ≤ 0.80 %; Bale: 35 kg, shrink-wrapped",
              "Technically specified block rubber for tyre makers."),
            P("Centrifuged Latex Concentrate, 60 % DRC", "rubber-plastics", "400110", 20, "MT", "1350", "1550", "USD",
              "Dry rubber content: 60 %; Ammonia: high (HA); Packing: flexitank or 205 l drums",
              "For gloves, condoms, foam and adhesives."),
            P("Natural Rubber Compound Masterbatch", "rubber-plastics", "400510", 5, "MT", "2300", "2700", "USD",
              "Base: STR20 with carbon black N330; Form: slabs of 25 kg; Mooney viscosity: 60 ± 5",
              "Mixed to your recipe in our compounding plant, so you can skip the mixing step.", "made_to_order"),
            P("Natural Rubber Latex Foam Pillow", "rubber-plastics", "401699", 200, "pcs", "14", "22", "USD",
              "Size: 60 × 40 × 12 cm; Cover: Tencel, removable",
              "Made from our own latex in our Hat Yai foam plant."),
        ),
    ),
    # --- Country pavilions ------------------------------------------------------------------------------
    DemoExhibitor(
        name="Guigang Cane Sugar Co.", country="CN", sector="Sugar", owner="Qin Haiyan",
        pavilion="country-cn", stand="CN-01",
        tagline="Guangxi grows most of China's sugar cane: refined, raw and brown sugar from Guigang",
        about="Sugar mill and refinery in Guigang, Guangxi, crushing cane from the Xijiang valley.",
        booth="""Guangxi grows **more than half of China's sugar cane**. Our mill in Guigang crushes 12,000 tonnes of cane
a day in season and refines white sugar all year.

We also make brown sugar blocks the traditional way, loved in Vietnam and Laos.""",
        timezone="Asia/Shanghai", opening_hours=OFFICE,
        contacts=dict(email="sugar@guigang-sugar.example", phone="+86 775 555 0203", wechat="GuigangSugar"),
        products=(
            P("Refined White Sugar ICUMSA 45", "processed-food", "170199", 500, "MT", "560", "640", "USD",
              "Colour: ICUMSA ≤ 45; Polarisation: ≥ 99.8°; Packing: 50 kg PP bags",
              "Fine granulated sugar for food and beverage makers."),
            P("Traditional Brown Sugar Blocks", "processed-food", "170114", 200, "ctn", "28", "36", "USD",
              "Block: 500 g; Packing: 20 blocks per carton",
              "Slow-boiled cane juice, for sweet soups and ginger tea."),
            P("Cane Molasses", "processed-food", "170310", 500, "MT", "120", "160", "USD",
              "Brix: ≥ 80; Total sugars: ≥ 48 %",
              "For fermentation and animal feed."),
            P("Sugar Cane Bagasse Tableware", "paper-pulp", "482369", 200, "ctn", "32", "42", "USD",
              "Items: plates, bowls, clamshells; Packing: 1,000 pieces per carton",
              "Compostable tableware moulded from the fibre left after crushing."),
            P("Rock Sugar, single crystal", "processed-food", "170199", 200, "ctn", "45", "58", "USD",
              "Pack: 400 g; Packing: 30 packs per carton",
              "Clear crystal sugar for tea and braising."),
        ),
    ),
    DemoExhibitor(
        name="Brunei Halal Kitchen Sdn. Bhd.", country="BN", sector="Halal food", owner="Hajah Nurul Aziz",
        pavilion="country-bn", stand="BN-01",
        tagline="Brunei halal sauces, snacks and ready meals under the Brunei Halal brand",
        about="Food manufacturer in Bandar Seri Begawan certified under Brunei's halal standard PBD 24.",
        booth="""Brunei's halal certification is one of the strictest in the world. Our kitchen in **Bandar Seri
Begawan** makes sauces, snacks and ready meals that carry it, for Muslim consumers in China and across ASEAN.

Come and taste our *sambal* at the booth.""",
        timezone="Asia/Brunei", opening_hours=hours(("08:00", "12:00"), ("14:00", "17:00"),
                                                     fri=(("08:00", "11:30"), ("14:30", "17:00")), sat=(("09:00", "12:00"),)),
        contacts=dict(email="trade@bn-halalkitchen.example", phone="+673 2 555 012", whatsapp="+673 855 5012"),
        products=(
            P("Sambal Belacan Chilli Paste", "spices-condiments", "210390", 200, "ctn", "42", "55", "USD",
              "Jar: 200 g; Packing: 24 jars per carton; Halal: Brunei PBD 24",
              "Chilli with fermented shrimp paste: the table sauce of Borneo."),
            P("Ambuyat Sago Starch", "processed-food", "190300", 100, "ctn", "30", "38", "USD",
              "Pack: 1 kg; Packing: 12 packs per carton",
              "For Brunei's national dish, eaten with bamboo chopsticks."),
            P("Beef Rendang Ready Meal", "processed-food", "160250", 200, "ctn", "65", "80", "USD",
              "Pouch: 250 g, retort; Shelf life: 18 months; Packing: 24 pouches per carton",
              "Slow-cooked beef in coconut and spices, heated in minutes."),
            P("Kuih Cincin Crispy Snack", "processed-food", "190590", 200, "ctn", "36", "46", "USD",
              "Pack: 150 g; Packing: 30 packs per carton",
              "Traditional rice-flour rings sweetened with palm sugar."),
            P("Halal Chicken Satay Sauce", "spices-condiments", "210390", 200, "ctn", "38", "48", "USD",
              "Bottle: 330 g; Packing: 24 bottles per carton",
              "Peanut sauce for satay and salads."),
        ),
    ),
    DemoExhibitor(
        name="Battambang Rice Millers Co., Ltd.", country="KH", sector="Rice", owner="Sok Dara",
        pavilion="country-kh", stand="KH-01",
        tagline="Phka Rumduol, the world's best rice, milled in Cambodia's rice bowl",
        about="Rice miller and exporter in Battambang, buying paddy from farmer cooperatives of the Tonle Sap plain.",
        booth="""**Phka Rumduol** fragrant rice has been named the world's best rice several times. We mill it in
**Battambang**, Cambodia's rice bowl, with colour sorters and a laboratory that checks every lot.

Organic rice is certified EU, USDA and China Organic.""",
        timezone="Asia/Phnom_Penh", opening_hours=hours(("07:30", "11:30"), ("13:30", "17:00"), sat=(("07:30", "11:30"),)),
        contacts=dict(email="rice@battambang-rice.example", phone="+855 53 555 018", whatsapp="+855 12 555 018"),
        products=(
            P("Phka Rumduol Premium Fragrant Rice", "rice-grains", "100630", 25, "MT", "980", "1100", "USD",
              "Broken: ≤ 5 %; Purity: ≥ 95 %; Moisture: ≤ 14 %; Packing: 25 kg or 50 kg bags",
              "Long-grain jasmine rice with a soft texture and strong aroma."),
            P("Organic Jasmine Rice", "rice-grains", "100630", 25, "MT", "1250", "1400", "USD",
              "Certification: EU, USDA, China Organic; Packing: 5 kg retail bags",
              "Grown without chemicals by 600 farming families."),
            P("Cambodian Long Grain White Rice", "rice-grains", "100630", 100, "MT", "560", "640", "USD",
              "Broken: ≤ 5 %; Variety: Sen Kra Ob",
              "Everyday rice for restaurants and food service."),
            P("Brown Fragrant Rice", "rice-grains", "100620", 25, "MT", "1050", "1200", "USD",
              "Milling: husked only; Packing: 1 kg vacuum packs",
              "Whole-grain Phka Rumduol, rich in fibre."),
            P("Rice Bran Oil", "processed-food", "151590", 200, "ctn", "48", "60", "USD",
              "Bottle: 1 litre; Packing: 12 bottles per carton",
              "Light cooking oil pressed from our own rice bran."),
        ),
    ),
    DemoExhibitor(
        name="Kampot Pepper Farmers Cooperative", country="KH", sector="Spices", owner="Chan Sophea",
        pavilion="country-kh", stand="KH-02",
        tagline="Kampot pepper, protected geographical indication since 2010",
        about="Cooperative of 140 pepper farms in Kampot and Kep, holders of the Kampot Pepper PGI.",
        booth="""**Kampot pepper** grows on the quartz soils between the Elephant Mountains and the sea. Our 140 farms
pick each berry by hand and sun-dry it on bamboo mats.

The PGI seal on every pack proves it is the real thing.""",
        timezone="Asia/Phnom_Penh", opening_hours=hours(("08:00", "17:00"), sat=(("08:00", "17:00"),),
                                                         sun=(("09:00", "12:00"),)),
        contacts=dict(email="pepper@kampot-coop.example", phone="+855 33 555 091", whatsapp="+855 97 555 091"),
        products=(
            P("Kampot Black Pepper, PGI", "spices-condiments", "090411", 100, "kg", "24", "30", "USD",
              "Grade: 1; Density: ≥ 570 g/l; Packing: 5 kg bags or 50 g tins",
              "Intense and floral, with notes of eucalyptus and mint."),
            P("Kampot Red Pepper, PGI", "spices-condiments", "090411", 50, "kg", "38", "46", "USD",
              "Harvest: fully ripe berries; Packing: 5 kg bags",
              "Sweet and fruity; picked only when every berry has turned red."),
            P("Kampot White Pepper, PGI", "spices-condiments", "090411", 50, "kg", "42", "50", "USD",
              "Process: red berries soaked and peeled",
              "Hot and clean, for fish and white sauces."),
            P("Fresh Green Pepper in Brine", "spices-condiments", "200190", 100, "ctn", "60", "75", "USD",
              "Jar: 120 g; Packing: 24 jars per carton",
              "The green clusters used in Cambodian crab with Kampot pepper."),
            P("Kampot Pepper Gift Box", "spices-condiments", "090412", 200, "pcs", "9", "12", "USD",
              "Contents: black, red and white, 50 g each; Box: palm wood",
              "A present for clients, with the cooperative's story inside."),
        ),
    ),
    DemoExhibitor(
        name="Surabaya Coconut and Cocoa Industries", country="ID", sector="Food ingredients", owner="Agus Prasetyo",
        pavilion="country-id", stand="ID-01",
        tagline="Coconut oil, desiccated coconut and cocoa from East Java",
        about="Processor of coconut and cocoa in Surabaya, East Java, with its own fermentation stations in Sulawesi.",
        booth="""Indonesia is the world's largest coconut producer and a top cocoa grower. From **Surabaya** we supply
food makers in China and ASEAN with coconut and cocoa ingredients, halal and organic options included.""",
        timezone="Asia/Jakarta", opening_hours=hours(("08:00", "16:00"), sat=(("08:00", "12:00"),)),
        contacts=dict(email="sales@sby-coco.example", phone="+62 31 5550 1677", whatsapp="+62 811 555 1677"),
        products=(
            P("Virgin Coconut Oil, cold-pressed", "processed-food", "151319", 200, "ctn", "70", "90", "USD",
              "Bottle: 500 ml glass; Free fatty acid: ≤ 0.2 %; Packing: 12 bottles per carton",
              "Pressed from fresh coconut milk within hours of opening the nut."),
            P("Desiccated Coconut, fine grade", "processed-food", "080111", 10, "MT", "2100", "2500", "USD",
              "Fat: 65 %; Moisture: ≤ 3 %; Packing: 25 kg bags",
              "For bakeries, confectioners and biscuit makers."),
            P("Natural Cocoa Powder 10–12 %", "processed-food", "180500", 5, "MT", "5200", "6100", "USD",
              "Fat: 10–12 %; pH: 5.0–5.8; Packing: 25 kg bags",
              "From Sulawesi beans, fermented at origin."),
            P("Cocoa Butter, deodorised", "processed-food", "180400", 5, "MT", "8500", "9800", "USD",
              "Free fatty acid: ≤ 1.75 %; Packing: 25 kg cartons",
              "For chocolate and cosmetics."),
            P("Coconut Sugar", "processed-food", "170290", 2, "MT", "2600", "3100", "USD",
              "Form: granulated; Glycaemic index: 35; Packing: 25 kg bags",
              "Boiled from coconut flower sap."),
            P("Coconut Water Powder", "processed-food", "210690", 500, "kg", "12", "16", "USD",
              "Process: spray-dried; Packing: 20 kg cartons",
              "Mix with water for an instant sports drink."),
        ),
    ),
    DemoExhibitor(
        name="Bolaven Plateau Coffee", country="LA", sector="Coffee", owner="Khamphone Sisavath",
        pavilion="country-la", stand="LA-01",
        tagline="Arabica from the volcanic soils of Paksong, southern Laos",
        about="Coffee cooperative and roaster in Paksong, Champasak province, on the Bolaven Plateau.",
        booth="""At 1,300 metres on the **Bolaven Plateau**, cool nights and volcanic soil grow arabica with a gentle
acidity. Our cooperative of 400 families processes cherries at village stations and roasts in Paksong.

Lots from single villages are available for specialty roasters.""",
        timezone="Asia/Vientiane", opening_hours=hours(("08:00", "12:00"), ("13:00", "17:00")),
        contacts=dict(email="coffee@bolaven-coop.example", phone="+856 31 555 214", whatsapp="+856 20 5555 2140"),
        products=(
            P("Arabica Green Coffee, washed, Grade 1", "coffee-tea", "090111", 1, "MT", "6200", "7000", "USD",
              "Altitude: 1,100–1,300 m; Varieties: Catimor, Typica; Packing: 60 kg jute bags",
              "Clean cup with citrus and brown sugar."),
            P("Single Village Lot, natural process", "coffee-tea", "090111", 300, "kg", "11", "14", "USD",
              "Cupping score: 84+; Packing: 30 kg GrainPro bags",
              "Small lots from one village, dried on raised beds.", "pre_order"),
            P("Lao Roasted Coffee, medium", "coffee-tea", "090121", 200, "kg", "13", "16", "USD",
              "Roast: medium; Bag: 250 g or 1 kg",
              "Roasted in Paksong, shipped within a week."),
            P("Lao Robusta Green Coffee", "coffee-tea", "090111", 19, "MT", "4100", "4500", "USD",
              "Screen: 16; Packing: 60 kg jute bags",
              "From the lower slopes of the plateau."),
            P("Drip Coffee Bags", "coffee-tea", "090121", 200, "ctn", "48", "60", "USD",
              "Bag: 10 g; Packing: 10 bags per box, 30 boxes per carton",
              "Pour-over coffee for hotels and offices."),
        ),
    ),
    DemoExhibitor(
        name="Lao Herbal Wellness", country="LA", sector="Traditional medicine", owner="Vanida Phommachanh",
        pavilion="country-la", stand="LA-02",
        tagline="Herbal saunas and remedies from the forests of Laos",
        about="Maker of Lao herbal steam blends, teas and balms in Vientiane, sourcing from community forests.",
        booth="""The **Lao herbal sauna** is a village tradition: steam with lemongrass, tamarind leaves and forest
herbs. We bring its blends, teas and balms to spas and shops, buying from community forests with fair prices.""",
        timezone="Asia/Vientiane", opening_hours=hours(("08:30", "17:00"), sat=(("09:00", "13:00"),)),
        contacts=dict(email="hello@lao-herbal.example", phone="+856 21 555 318", whatsapp="+856 20 5555 3180"),
        products=(
            P("Lao Herbal Sauna Blend", "herbal-medicine", "121190", 100, "kg", "8", "11", "USD",
              "Herbs: lemongrass, tamarind leaf, kaffir lime, camphor basil; Pack: 1 kg",
              "Steamed in a sauna room for a traditional Lao herbal bath."),
            P("Mulberry Leaf Tea", "coffee-tea", "121190", 200, "ctn", "30", "40", "USD",
              "Bag: 2 g; Packing: 25 bags per box, 40 boxes per carton",
              "Caffeine-free tea from mountain mulberry trees."),
            P("Bitter Gourd Herbal Capsules", "health-supplements", "210690", 100, "ctn", "55", "70", "USD",
              "Capsule: 400 mg; Packing: 60 per bottle, 48 bottles per carton",
              "Traditionally taken to balance blood sugar."),
            P("Lao Herbal Balm", "herbal-medicine", "300490", 200, "ctn", "36", "46", "USD",
              "Tin: 15 g; Packing: 200 tins per carton",
              "For headaches, travel sickness and insect bites."),
            P("Sticky Rice Steamer Basket", "", "460219", 200, "pcs", "1.80", "2.60", "USD",
              "Material: woven bamboo; Size: 22 cm",
              "Handwoven by village artisans; for sticky rice and herbal steaming."),
        ),
    ),
    DemoExhibitor(
        name="Selangor Glove Industries Sdn. Bhd.", country="MY", sector="Protective equipment", owner="Ahmad Faizal",
        pavilion="country-my", stand="MY-01",
        tagline="Nitrile and latex gloves from Malaysia, the world's glove maker",
        about="Glove manufacturer in Klang, Selangor, with 24 dipping lines for nitrile and latex gloves.",
        booth="""Malaysia makes most of the world's rubber gloves. Our **24 dipping lines in Klang** produce examination
and industrial gloves, FDA 510(k) cleared and CE certified.

Long-term contracts with monthly call-offs keep prices stable for hospitals and distributors.""",
        timezone="Asia/Kuala_Lumpur", opening_hours=hours(("08:30", "17:30")),
        contacts=dict(email="sales@selangor-glove.example", phone="+60 3 5555 0188", whatsapp="+60 12 555 0188"),
        products=(
            P("Nitrile Examination Gloves, 3.5 g", "protective-equipment", "401512", 200, "ctn", "24", "30", "USD",
              "Packing: 100 per box, 10 boxes per carton; AQL: 1.5; Colour: blue or black",
              "Powder-free, textured fingertips, FDA 510(k) cleared."),
            P("Latex Examination Gloves, powder-free", "protective-equipment", "401511", 200, "ctn", "20", "26", "USD",
              "Protein: ≤ 50 µg/dm²; Packing: 100 per box, 10 boxes per carton",
              "Natural rubber gloves with a comfortable fit."),
            P("Sterile Surgical Gloves", "protective-equipment", "401511", 100, "ctn", "110", "140", "USD",
              "Sterilisation: gamma; Sizes: 5.5–9.0; Packing: 50 pairs per box, 4 boxes per carton",
              "Anatomically shaped surgical gloves with beaded cuffs."),
            P("Industrial Nitrile Gloves, 8 mil", "protective-equipment", "401519", 100, "ctn", "45", "58", "USD",
              "Thickness: 0.2 mm; Grip: diamond texture; Packing: 50 per box",
              "Heavy-duty gloves for mechanics, food plants and cleaning."),
            P("Long Cuff Nitrile Gloves, 300 mm", "protective-equipment", "401512", 100, "ctn", "38", "48", "USD",
              "Length: 300 mm; Use: chemotherapy and laboratories",
              "Tested against cytotoxic drugs (ASTM D6978).", "made_to_order"),
        ),
    ),
    DemoExhibitor(
        name="Golden Land Pulses and Beans", country="MM", sector="Pulses", owner="Aung Kyaw Min",
        pavilion="country-mm", stand="MM-01",
        tagline="Mung beans, pigeon peas and sesame from the Ayeyarwady and the dry zone",
        about="Exporter of pulses and oilseeds in Yangon, cleaning and sorting in its own plant at Bayintnaung market.",
        booth="""Myanmar is one of the world's great pulse exporters. We buy **mung beans, pigeon peas and sesame**
from farmers of the Ayeyarwady delta and the central dry zone, and sort them to export grade in Yangon.""",
        timezone="Asia/Yangon", opening_hours=hours(("09:00", "17:00"), sat=(("09:00", "12:00"),)),
        contacts=dict(email="trade@goldenland-pulses.example", phone="+95 1 555 0144", whatsapp="+95 9 555 0144"),
        products=(
            P("Green Mung Beans, shiny, FAQ", "rice-grains", "071331", 25, "MT", "980", "1150", "USD",
              "Size: 3.5 mm up; Moisture: ≤ 13 %; Packing: 50 kg PP bags",
              "For bean sprouts and dessert soups."),
            P("Pigeon Peas (Toor Whole)", "rice-grains", "071360", 25, "MT", "780", "900", "USD",
              "Purity: ≥ 98 %; Packing: 50 kg bags",
              "Lemon-coloured pigeon peas from the dry zone."),
            P("White Sesame Seeds, hulled", "rice-grains", "120740", 20, "MT", "1650", "1900", "USD",
              "Purity: 99.95 %; Oil: ≥ 50 %; Packing: 25 kg bags",
              "Machine-cleaned and sortexed sesame for bakeries and tahini."),
            P("Black Matpe Beans (Urad)", "rice-grains", "071339", 25, "MT", "820", "950", "USD",
              "Type: FAQ; Packing: 50 kg bags",
              "Whole black gram for dal and papadum."),
            P("Red Kidney Beans", "rice-grains", "071333", 25, "MT", "1050", "1250", "USD",
              "Size: 180–200 seeds per 100 g; Packing: 25 kg bags",
              "Dark red kidney beans from Shan State."),
        ),
    ),
    DemoExhibitor(
        name="Thanaka Golden Myanmar Co.", country="MM", sector="Cosmetics", owner="Thida Win",
        pavilion="country-mm", stand="MM-02",
        tagline="Thanaka, Myanmar's natural sunscreen, from the bark of Shwebo trees",
        about="Maker of thanaka powder, creams and soaps from sustainably harvested Murraya wood, Mandalay.",
        booth="""For two thousand years the women of Myanmar have painted their cheeks with **thanaka**, ground from
fragrant wood, to cool the skin and protect it from the sun. We grow our trees near Shwebo and make thanaka products
for modern skin care.""",
        timezone="Asia/Yangon", opening_hours=hours(("09:00", "17:00")),
        contacts=dict(email="hello@thanaka-golden.example", phone="+95 2 555 0177", whatsapp="+95 9 555 0177"),
        products=(
            P("Thanaka Logs for Grinding", "herbal-medicine", "121190", 100, "pcs", "3", "5", "USD",
              "Length: 15 cm; Diameter: 4–6 cm; Age of tree: 35 years",
              "Traditional logs with a stone slab sold separately."),
            P("Pure Thanaka Powder", "herbal-medicine", "330499", 200, "ctn", "40", "52", "USD",
              "Jar: 50 g; Packing: 48 jars per carton",
              "Mix with water for the traditional paste."),
            P("Thanaka Sunscreen Cream SPF 30", "herbal-medicine", "330499", 200, "ctn", "85", "110", "USD",
              "Tube: 50 g; Packing: 48 tubes per carton",
              "A light cream with thanaka and zinc oxide."),
            P("Thanaka Soap", "herbal-medicine", "340111", 200, "ctn", "28", "36", "USD",
              "Bar: 100 g; Packing: 72 bars per carton",
              "Gentle cold-process soap for sensitive skin."),
            P("Thanaka Face Mask Sheets", "herbal-medicine", "330499", 200, "ctn", "60", "75", "USD",
              "Sheet: cotton, 25 ml essence; Packing: 10 per box, 24 boxes per carton",
              "Cooling sheet masks for after the sun."),
        ),
    ),
    DemoExhibitor(
        name="Davao Tropical Fruit Processors Inc.", country="PH", sector="Tropical fruit", owner="Jose Dela Cruz",
        pavilion="country-ph", stand="PH-01",
        tagline="Dried mango, banana chips and coconut water from Mindanao",
        about="Fruit processor in Davao City, Mindanao, working with 3,000 farmers of mango, banana and coconut.",
        booth="""Philippine **Carabao mangoes** are among the sweetest in the world. Our plant in **Davao City** dries
them the day they ripen, and makes banana chips and coconut water from Mindanao's farms.

HACCP, BRCGS and halal certified.""",
        timezone="Asia/Manila", opening_hours=hours(("08:00", "17:00"), sat=(("08:00", "12:00"),)),
        contacts=dict(email="export@davao-fruit.example", phone="+63 82 555 0188", whatsapp="+63 917 555 0188"),
        products=(
            P("Dried Carabao Mango Slices", "tropical-fruit", "081340", 200, "ctn", "95", "120", "USD",
              "Bag: 100 g; Sugar: reduced; Packing: 50 bags per carton",
              "Soft, chewy mango from Guimaras and Davao."),
            P("Banana Chips, sweetened", "processed-food", "200899", 200, "ctn", "36", "46", "USD",
              "Bag: 200 g or bulk 10 kg; Variety: Saba; Oil: coconut",
              "Crispy Saba banana chips fried in coconut oil."),
            P("Young Coconut Water, UHT", "processed-food", "200989", 200, "ctn", "14", "18", "USD",
              "Pack: 330 ml Tetra Pak; Packing: 24 per carton; Sugar added: none",
              "Pure coconut water, nothing added."),
            P("Cavendish Bananas, fresh", "tropical-fruit", "080390", 1, "MT", "520", "640", "USD",
              "Grade: class A; Packing: 13 kg cartons, 1,540 cartons per reefer container",
              "Highland bananas from Bukidnon, shipped in reefers to Shanghai and Hong Kong."),
            P("Calamansi Juice Concentrate", "processed-food", "200989", 200, "ctn", "48", "60", "USD",
              "Bottle: 1 litre; Brix: 45",
              "The Philippine lime, for drinks and marinades."),
            P("Dried Pineapple Rings", "tropical-fruit", "081340", 200, "ctn", "70", "88", "USD",
              "Bag: 100 g; Packing: 50 bags per carton",
              "Queen pineapple from Camarines Norte, gently dried."),
        ),
    ),
    DemoExhibitor(
        name="Straits Cold Chain Logistics Pte. Ltd.", country="SG", sector="Logistics", owner="Rajesh Kumar",
        pavilion="country-sg", stand="SG-01",
        tagline="Temperature-controlled freight for vaccines, fruit and seafood across ASEAN and China",
        about="Cold chain logistics company in Singapore operating GDP-certified warehouses and reefer transport.",
        booth="""Vaccines, durian and seafood all need the cold chain. From **Singapore** we run GDP-certified
warehouses and reefer transport to every ASEAN capital and to Nanning, Kunming and Shanghai, with temperatures
logged every five minutes and shared with you live.""",
        timezone="Asia/Singapore", opening_hours=hours(("08:30", "18:00"), sat=(("09:00", "13:00"),)),
        contacts=dict(email="quote@straits-coldchain.example", phone="+65 6555 0233", whatsapp="+65 8555 0233"),
        website="https://straits-coldchain.example",
        products=(
            P("Reefer Container Freight, Singapore–Qinzhou", "logistics", "", 1, "container", "2400", "3100", "USD",
              "Container: 40 ft reefer; Transit: 6 days; Temperature: −25 to +25 °C",
              "Weekly sailings to the Beibu Gulf port of Qinzhou, with rail on to Chongqing."),
            P("GDP Pharmaceutical Warehousing", "logistics", "", 10, "pallets", "28", "40", "SGD",
              "Zones: 2–8 °C, 15–25 °C, −20 °C; Certification: GDP (HSA); Billing: per pallet per week",
              "Storage for vaccines and medicines with validated zones."),
            P("Cross-border Reefer Trucking to Nanning", "logistics", "", 1, "truck", "4800", "6200", "USD",
              "Route: Singapore–Kuala Lumpur–Bangkok–Hanoi–Nanning; Transit: 6 days; Truck: 13.6 m reefer",
              "Door to door by road, customs brokerage included.", "made_to_order"),
            P("Active Temperature-controlled Air Containers", "logistics", "", 1, "container", "1900", "2600", "USD",
              "Range: 2–8 °C or 15–25 °C; Duration: 120 hours; Billing: per lease",
              "For vaccines flown from Singapore Changi."),
            P("Temperature Data Loggers", "electrical-equipment", "902511", 100, "pcs", "12", "18", "USD",
              "Range: −30 to +70 °C; Interval: 1–60 minutes; Connection: USB and Bluetooth",
              "Single-use loggers with PDF reports, the same ones we use."),
        ),
    ),
    DemoExhibitor(
        name="Siam Hom Mali Rice Exporters Co., Ltd.", country="TH", sector="Rice", owner="Prasert Wongsakul",
        pavilion="country-th", stand="TH-01",
        tagline="Thai Hom Mali jasmine rice from the Thung Kula Rong Hai fields",
        about="Rice exporter in Bangkok with mills in Roi Et, buying from the Thung Kula Rong Hai geographical indication.",
        booth="""**Thai Hom Mali** rice is grown in the northeast, where dry, salty soils give it its famous aroma. Our
mills in **Roi Et** buy from farmers of the Thung Kula Rong Hai GI and pack for supermarkets in China and ASEAN.""",
        timezone="Asia/Bangkok", opening_hours=hours(("08:30", "17:30")),
        contacts=dict(email="rice@siam-hommali.example", phone="+66 2 555 0145", line_id="siamhommali",
                      wechat="SiamHomMali"),
        products=(
            P("Thai Hom Mali Rice 100 %, new crop", "rice-grains", "100630", 25, "MT", "1050", "1200", "USD",
              "Purity: ≥ 92 % Hom Mali; Broken: ≤ 4 %; Packing: 25 kg, 5 kg or 1 kg bags",
              "The Thai government's green seal of Hom Mali quality on every bag."),
            P("Thung Kula Rong Hai GI Jasmine Rice", "rice-grains", "100630", 10, "MT", "1350", "1500", "USD",
              "Origin: Roi Et, Surin, Si Sa Ket; Packing: 1 kg vacuum packs",
              "The finest Hom Mali, from its protected home."),
            P("Riceberry Rice", "rice-grains", "100620", 5, "MT", "1500", "1700", "USD",
              "Colour: deep purple; Packing: 1 kg bags",
              "Antioxidant-rich whole-grain rice bred in Thailand."),
            P("Thai Glutinous Rice", "rice-grains", "100630", 25, "MT", "900", "1050", "USD",
              "Broken: ≤ 10 %; Packing: 25 kg bags",
              "Sticky rice for mango sticky rice and dumplings."),
            P("Jasmine Rice Crackers", "processed-food", "190490", 200, "ctn", "850", "1100", "THB",
              "Pack: 100 g; Flavours: seaweed, original, chilli; Packing: 24 packs per carton",
              "Baked, not fried."),
        ),
    ),
    DemoExhibitor(
        name="Saigon Nonwoven Fabrics JSC", country="VN", sector="Textiles", owner="Nguyen Minh Chau",
        pavilion="country-vn", stand="VN-01",
        tagline="Spunbond and melt-blown fabrics for masks, gowns and hygiene products",
        about="Maker of polypropylene non-woven fabrics in Binh Duong, supplying mask, gown and diaper producers.",
        booth="""Every mask starts as a roll of fabric. Our lines in **Binh Duong** make spunbond, SMS and melt-blown
fabrics for mask and gown makers in Vietnam, China and across ASEAN.

Ask us about matching our rolls to the mask lines you buy at this expo.""",
        timezone="Asia/Ho_Chi_Minh", opening_hours=OFFICE,
        contacts=dict(email="fabric@saigon-nonwoven.example", phone="+84 274 555 0199", whatsapp="+84 903 555 199"),
        products=(
            P("Spunbond PP Non-woven, 25 gsm", "textiles", "560312", 5, "MT", "1450", "1700", "USD",
              "Width: 175 mm slit or up to 3.2 m; Colours: white, blue, green; Roll: 1,000 m",
              "Outer and inner layers for masks and gowns."),
            P("Melt-blown Filter Fabric BFE 99", "textiles", "560313", 1, "MT", "5200", "7800", "USD",
              "Weight: 25 gsm; BFE: ≥ 99 %; Width: 175 mm rolls",
              "Electrostatically charged filter layer for surgical masks and respirators."),
            P("SMS Non-woven, 40 gsm", "textiles", "560313", 5, "MT", "1900", "2300", "USD",
              "Layers: spunbond–melt-blown–spunbond; Hydrostatic head: ≥ 40 cm",
              "Fluid-resistant fabric for gowns and drapes."),
            P("Hydrophilic Non-woven for Diapers", "textiles", "560312", 5, "MT", "1600", "1850", "USD",
              "Weight: 12–18 gsm; Treatment: durable hydrophilic",
              "Top sheet for diapers and sanitary pads."),
            P("Mask Ear Loop Elastic", "textiles", "560490", 200, "kg", "6.50", "8.00", "USD",
              "Width: 3 mm; Material: nylon–spandex; Colour: white or black",
              "Soft round elastic that welds cleanly on ultrasonic lines."),
        ),
    ),
)

# Waiting in the organizers' review queue, or still being written: visitors do not see these.
UNPUBLISHED_EXHIBITORS: tuple[DemoExhibitor, ...] = (
    DemoExhibitor(
        name="Quang Ninh Seafood JSC", country="VN", sector="Seafood", owner="Do Van Long",
        pavilion="food-agriculture", stand="D-09", status="submitted",
        tagline="Shrimp, squid and clams from Ha Long Bay, frozen on the quay",
        about="Seafood processor in Ha Long City, Quang Ninh province, exporting frozen seafood to China and Korea.",
        booth="""Our plant on the quay in **Ha Long City** freezes shrimp, squid and clams within hours of landing.
HACCP and BRCGS certified; registered for export to China.""",
        timezone="Asia/Ho_Chi_Minh", opening_hours=OFFICE,
        contacts=dict(email="seafood@qn-seafood.example", phone="+84 203 555 0170", whatsapp="+84 913 555 170"),
        products=(
            P("Frozen Black Tiger Shrimp, head-on", "seafood", "030617", 1, "MT", "9800", "12500", "USD",
              "Size: 16/20 to 31/40 per kg; Glazing: 10 %; Packing: 1 kg × 10 per carton",
              "Pond-raised tiger shrimp from the Quang Ninh coast."),
            P("Frozen Squid Tubes", "seafood", "030743", 1, "MT", "4200", "5200", "USD",
              "Size: U5 to U10; Packing: 1 kg blocks",
              "Cleaned squid tubes, IQF."),
            P("Frozen Cooked Clams", "seafood", "030772", 2, "MT", "1800", "2300", "USD",
              "Size: 40–60 per kg; Packing: 500 g bags",
              "Half-shell clams, cooked and frozen."),
            P("Dried Squid", "seafood", "030749", 200, "kg", "28", "36", "USD",
              "Size: 8–12 pieces per kg; Packing: 5 kg cartons",
              "Sun-dried in Ha Long, the way the fishing villages do it."),
            P("Fish Sauce 40 °N", "spices-condiments", "210390", 200, "ctn", "42", "55", "USD",
              "Bottle: 500 ml; Protein: 40 °N; Packing: 12 bottles per carton",
              "Anchovy fish sauce aged in wooden barrels."),
        ),
    ),
    DemoExhibitor(
        name="Cebu Rattan Furniture Makers", country="PH", sector="Furniture", owner="Ana Reyes",
        pavilion="", stand="", status="submitted",
        tagline="Handwoven rattan furniture from Cebu, for hotels and homes",
        about="Furniture maker in Mandaue City, Cebu, weaving rattan and abaca for hotels and retailers.",
        booth="""Cebu is the furniture capital of the Philippines. Our weavers in **Mandaue City** make rattan and abaca
furniture for hotels and design shops in Asia.""",
        timezone="Asia/Manila", opening_hours=hours(("08:00", "17:00")),
        contacts=dict(email="sales@cebu-rattan.example", phone="+63 32 555 0166", whatsapp="+63 917 555 0166"),
        products=(
            P("Rattan Lounge Chair", "", "940381", 20, "pcs", "180", "260", "USD",
              "Frame: solid rattan; Weave: natural peel; Cushion: outdoor fabric",
              "A hotel classic, knocked down for shipping.", "made_to_order"),
            P("Abaca Woven Pendant Lamp", "electrical-equipment", "940510", 50, "pcs", "35", "55", "USD",
              "Diameter: 45 cm; Fitting: E27",
              "Handwoven from abaca fibre, the Manila hemp."),
            P("Rattan Room Divider", "", "940381", 20, "pcs", "120", "160", "USD",
              "Panels: 4; Height: 180 cm",
              "Folding screen for lobbies and spas.", "made_to_order"),
            P("Seagrass Storage Baskets", "", "460219", 200, "pcs", "6", "9", "USD",
              "Set: 3 sizes; Handles: rattan",
              "Stacking baskets for homes and hotel rooms."),
            P("Buri Palm Placemats", "", "460193", 500, "pcs", "1.20", "1.80", "USD",
              "Size: 30 × 45 cm; Finish: natural",
              "Handwoven placemats for restaurants."),
        ),
    ),
    DemoExhibitor(
        name="Phnom Penh Silk Weavers", country="KH", sector="Textiles", owner="Srey Leak",
        pavilion="", stand="", status="draft",
        tagline="Golden silk scarves and sampot woven on traditional looms",
        about="Weaving workshop in Phnom Penh reviving Cambodian golden silk with 60 weavers.",
        booth="""We are still building our booth: our golden silk catalogue will be here soon.""",
        timezone="Asia/Phnom_Penh", opening_hours=hours(("08:00", "17:00")),
        contacts=dict(email="silk@pp-silk.example", phone="+855 23 555 044"),
        products=(
            P("Golden Silk Scarf", "textiles", "621410", 50, "pcs", "35", "60", "USD",
              "Size: 50 × 180 cm; Dye: natural (lac, indigo, prohut)",
              "Woven from the golden silk of Cambodian silkworms."),
            P("Ikat Silk Sampot", "textiles", "500720", 20, "pcs", "90", "180", "USD",
              "Technique: hol (weft ikat); Length: 3.5 m",
              "The traditional Khmer wrap, woven over weeks."),
            P("Raw Silk Yarn", "textiles", "500200", 10, "kg", "80", "110", "USD",
              "Colour: golden; Origin: Siem Reap and Takeo",
              "Hand-reeled yarn for weavers.", "pre_order"),
            P("Silk Cushion Covers", "textiles", "630492", 100, "pcs", "14", "22", "USD",
              "Size: 45 × 45 cm; Zip: hidden",
              "Made from weaving offcuts, so nothing is wasted."),
            P("Krama Cotton Scarf", "textiles", "621430", 200, "pcs", "3", "5", "USD",
              "Pattern: checked; Size: 60 × 160 cm",
              "The everyday checked scarf of Cambodia."),
        ),
    ),
)
