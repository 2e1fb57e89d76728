"""Pictures for the demo exhibition, drawn locally with Pillow: company logos, booth banners and product
images (a colour per product, a motif per category, the product's initials). Nothing is downloaded."""

from __future__ import annotations

import colorsys
import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

PRODUCT_SIZE = (640, 480)
THUMBNAIL_SIDE = 320
LOGO_SIDE = 256
BANNER_SIZE = (1200, 300)

# The shared category tree's leaves -> the shape drawn behind a product's initials.
MOTIFS = {
    "protective-equipment": "shield",
    "masks-respirators": "mask",
    "diagnostics": "cross",
    "medical-devices": "pulse",
    "medical-vehicles": "vehicle",
    "disinfection-hygiene": "drop",
    "pharmaceuticals": "capsule",
    "dental-supplies": "tooth",
    "herbal-medicine": "leaf",
    "health-supplements": "capsule",
    "wellness-devices": "circle",
    "coffee-tea": "bean",
    "tropical-fruit": "fruit",
    "rice-grains": "grains",
    "spices-condiments": "grains",
    "seafood": "wave",
    "processed-food": "box",
    "paper-pulp": "roll",
    "steel-metals": "beam",
    "rubber-plastics": "drop",
    "textiles": "roll",
    "chemicals": "drop",
    "production-machinery": "gear",
    "agricultural-machinery": "gear",
    "electrical-equipment": "pulse",
    "logistics": "vehicle",
    "health-tourism": "leaf",
    "training-consulting": "circle",
}


def colour_for(key: str) -> tuple[int, int, int]:
    """A distinct, fairly deep colour derived from ``key``: the same product always gets the same one."""
    digest = hashlib.sha256(key.encode()).digest()
    hue = digest[0] / 255
    saturation = 0.45 + digest[1] / 255 * 0.35
    value = 0.45 + digest[2] / 255 * 0.25
    return tuple(round(channel * 255) for channel in colorsys.hsv_to_rgb(hue, saturation, value))


def _lighter(colour: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(channel + (255 - channel) * amount) for channel in colour)


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


SMALL_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "the", "to", "with"})


def initials(name: str, letters: int = 2) -> str:
    """'Nanning Mask Machinery Co.' -> 'NM', 'Reefer container freight' -> 'RC'; small words are skipped."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum() and word.lower() not in SMALL_WORDS]
    return "".join(word[0] for word in words[:letters]).upper() or "?"


def _encoded(image: Image.Image) -> io.BytesIO:
    """JPEG at high quality: expo.uploads decodes and re-encodes it like any upload."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    buffer.seek(0)
    return buffer


def _fit_text(draw: ImageDraw.ImageDraw, text: str, max_width: int, size: int) -> tuple[str, ImageFont.ImageFont]:
    """The largest font (down to a floor) that fits ``text`` in ``max_width``; longer text is shortened."""
    while size > 14:
        font = _font(size)
        if draw.textlength(text, font=font) <= max_width:
            return text, font
        size -= 2
    font = _font(size)
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text + "…", font


def _motif(
    draw: ImageDraw.ImageDraw, shape: str, box: tuple[float, float, float, float], fill: tuple[int, int, int]
) -> None:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    cx, cy = left + width / 2, top + height / 2
    if shape == "shield":
        draw.polygon([(left, top), (right, top), (right, cy), (cx, bottom), (left, cy)], fill=fill)
    elif shape == "mask":
        draw.rounded_rectangle((left, top + height * 0.2, right, bottom - height * 0.2), radius=width * 0.18, fill=fill)
        draw.line([(left - width * 0.12, cy - height * 0.15), (left, cy - height * 0.05)], fill=fill, width=8)
        draw.line([(right + width * 0.12, cy - height * 0.15), (right, cy - height * 0.05)], fill=fill, width=8)
    elif shape == "cross":
        arm = width * 0.3
        draw.rectangle((cx - arm / 2, top, cx + arm / 2, bottom), fill=fill)
        draw.rectangle((left, cy - arm / 2, right, cy + arm / 2), fill=fill)
    elif shape == "vehicle":
        draw.rounded_rectangle((left, top + height * 0.2, right, bottom - height * 0.15), radius=18, fill=fill)
        for wheel in (left + width * 0.22, right - width * 0.22):
            draw.ellipse((wheel - height * 0.14, bottom - height * 0.3, wheel + height * 0.14, bottom), fill=fill)
    elif shape == "capsule":
        draw.rounded_rectangle(
            (left, top + height * 0.25, right, bottom - height * 0.25), radius=height * 0.25, fill=fill
        )
    elif shape == "tooth":
        draw.rounded_rectangle((left, top, right, cy + height * 0.1), radius=width * 0.25, fill=fill)
        draw.polygon(
            [
                (left + width * 0.05, cy),
                (cx - width * 0.05, cy),
                (cx - width * 0.15, bottom),
                (left + width * 0.15, bottom),
            ],
            fill=fill,
        )
        draw.polygon(
            [
                (cx + width * 0.05, cy),
                (right - width * 0.05, cy),
                (right - width * 0.15, bottom),
                (cx + width * 0.15, bottom),
            ],
            fill=fill,
        )
    elif shape == "leaf":
        draw.chord((left, top, right + width * 0.6, bottom + height * 0.6), 180, 270, fill=fill)
        draw.chord((left - width * 0.6, top - height * 0.6, right, bottom), 0, 90, fill=fill)
    elif shape == "bean":
        draw.ellipse((left, top + height * 0.1, right, bottom - height * 0.1), fill=fill)
    elif shape == "fruit":
        draw.ellipse((left, top + height * 0.15, right, bottom), fill=fill)
        draw.rectangle((cx - 6, top, cx + 6, top + height * 0.2), fill=fill)
    elif shape == "grains":
        for row in range(3):
            for column in range(3):
                x, y = left + width * (0.17 + column * 0.33), top + height * (0.17 + row * 0.33)
                draw.ellipse((x - width * 0.12, y - height * 0.09, x + width * 0.12, y + height * 0.09), fill=fill)
    elif shape == "wave":
        for band in range(3):
            y = top + height * (0.2 + band * 0.3)
            draw.arc((left, y - height * 0.15, cx, y + height * 0.15), 180, 360, fill=fill, width=12)
            draw.arc((cx, y - height * 0.15, right, y + height * 0.15), 0, 180, fill=fill, width=12)
    elif shape == "roll":
        draw.rectangle(
            (left + width * 0.15, top + height * 0.15, right - width * 0.15, bottom - height * 0.15), fill=fill
        )
        draw.ellipse((right - width * 0.3, top + height * 0.15, right, bottom - height * 0.15), fill=fill)
    elif shape == "beam":
        flange = height * 0.2
        draw.rectangle((left, top, right, top + flange), fill=fill)
        draw.rectangle((left, bottom - flange, right, bottom), fill=fill)
        draw.rectangle((cx - width * 0.1, top, cx + width * 0.1, bottom), fill=fill)
    elif shape == "gear":
        draw.regular_polygon((cx, cy, min(width, height) / 2), 8, rotation=22.5, fill=fill)
    elif shape == "drop":
        draw.ellipse((left + width * 0.1, cy - height * 0.1, right - width * 0.1, bottom), fill=fill)
        draw.polygon(
            [(cx, top), (left + width * 0.14, cy + height * 0.15), (right - width * 0.14, cy + height * 0.15)],
            fill=fill,
        )
    elif shape == "pulse":
        draw.line(
            [
                (left, cy),
                (left + width * 0.3, cy),
                (left + width * 0.42, top),
                (left + width * 0.58, bottom),
                (left + width * 0.7, cy),
                (right, cy),
            ],
            fill=fill,
            width=14,
            joint="curve",
        )
    elif shape == "box":
        draw.rectangle((left + width * 0.1, top + height * 0.2, right - width * 0.1, bottom), fill=fill)
        draw.polygon(
            [(left + width * 0.1, top + height * 0.2), (cx, top), (right - width * 0.1, top + height * 0.2)], fill=fill
        )
    else:
        draw.ellipse(box, fill=fill)


def product_picture(key: str, name: str, category: str) -> tuple[io.BytesIO, io.BytesIO]:
    """A product's picture and its thumbnail, as encoded images ready for expo.uploads.store_image."""
    width, height = PRODUCT_SIZE
    colour = colour_for(key)
    image = Image.new("RGB", PRODUCT_SIZE, _lighter(colour, 0.82))
    draw = ImageDraw.Draw(image)
    _motif(
        draw,
        MOTIFS.get(category, "circle"),
        (width * 0.3, height * 0.1, width * 0.7, height * 0.64),
        _lighter(colour, 0.45),
    )
    draw.text(
        (width / 2, height * 0.38),
        initials(name),
        font=_font(120),
        fill=colour,
        anchor="mm",
        stroke_width=4,
        stroke_fill=_lighter(colour, 0.82),
    )
    # A band in the product's colour, without its name: the page shows the name in the visitor's
    # language, and a picture with English written on it under a Thai title read as a mistake.
    draw.rectangle((0, height * 0.76, width, height), fill=colour)
    # Halving with a box filter is exact for these flat drawings and many times faster than Lanczos.
    thumbnail = image.reduce(width // THUMBNAIL_SIDE)
    return _encoded(image), _encoded(thumbnail)


def company_logo(name: str) -> io.BytesIO:
    """A round badge with the company's initials in its own colour."""
    colour = colour_for(name)
    image = Image.new("RGB", (LOGO_SIDE, LOGO_SIDE), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, LOGO_SIDE - 8, LOGO_SIDE - 8), fill=colour)
    draw.ellipse((24, 24, LOGO_SIDE - 24, LOGO_SIDE - 24), outline=_lighter(colour, 0.6), width=4)
    draw.text((LOGO_SIDE / 2, LOGO_SIDE / 2), initials(name), font=_font(104), fill="white", anchor="mm")
    return _encoded(image)


def booth_banner(name: str, tagline: str) -> io.BytesIO:
    """A wide strip in the company's colour with its name and tagline."""
    width, height = BANNER_SIZE
    colour = colour_for(name)
    image = Image.new("RGB", BANNER_SIZE, colour)
    draw = ImageDraw.Draw(image)
    for step in range(6):  # broad diagonal stripes, lighter towards the right
        x = width * 0.55 + step * 110
        draw.polygon(
            [(x, 0), (x + 70, 0), (x - 80, height), (x - 150, height)], fill=_lighter(colour, 0.08 + step * 0.05)
        )
    title, font = _fit_text(draw, name, int(width * 0.62), 60)
    draw.text((60, height * 0.42), title, font=font, fill="white", anchor="lm")
    if tagline:
        line, small = _fit_text(draw, tagline, int(width * 0.62), 28)
        draw.text((60, height * 0.68), line, font=small, fill=_lighter(colour, 0.75), anchor="lm")
    return _encoded(image)
