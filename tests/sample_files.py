"""Small files made in the test, good and bad, for upload tests: PDFs, MP4 and WebM headers, images."""

from __future__ import annotations

import io
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf_bytes() -> bytes:
    whole = pdf_bytes(3)
    return whole[: len(whole) // 2]


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4_bytes(
    major_brand: bytes = b"isom", compatible: tuple[bytes, ...] = (b"isom", b"iso2", b"avc1", b"mp41"), size: int = 4096
) -> bytes:
    """An 'ftyp' box as encoders write it, then an 'mdat' box of filler up to ``size`` bytes."""
    ftyp = _box(b"ftyp", major_brand + (512).to_bytes(4, "big") + b"".join(compatible))
    return ftyp + _box(b"mdat", b"\0" * max(0, size - len(ftyp) - 8))


def _ebml(element_id: bytes, payload: bytes) -> bytes:
    return element_id + bytes([0x80 | len(payload)]) + payload


def webm_bytes(doc_type: bytes = b"webm", size: int = 4096) -> bytes:
    """An EBML header naming ``doc_type``, then the start of a Segment filled up to ``size`` bytes."""
    header = b"".join(
        [
            _ebml(b"\x42\x86", b"\x01"),  # EBMLVersion
            _ebml(b"\x42\xf7", b"\x01"),  # EBMLReadVersion
            _ebml(b"\x42\xf2", b"\x04"),  # EBMLMaxIDLength
            _ebml(b"\x42\xf3", b"\x08"),  # EBMLMaxSizeLength
            _ebml(b"\x42\x82", doc_type),  # DocType
            _ebml(b"\x42\x87", b"\x04"),  # DocTypeVersion
            _ebml(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
        ]
    )
    start = (
        b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    )
    return start + b"\0" * max(0, size - len(start))


def png_bytes(size: tuple[int, int] = (64, 64), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (15, 94, 110) if mode == "RGB" else (15, 94, 110, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif(size: tuple[int, int] = (1200, 800)) -> bytes:
    image = Image.new("RGB", size, (227, 155, 45))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    exif[0x8825] = {2: (22.0, 49.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def banner_bytes() -> bytes:
    return png_bytes((1200, 300))


# --- hostile images --------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def bomb_png(width: int, height: int) -> bytes:
    """A real, complete grey PNG of zeros: a few hundred KB that decode to width × height bytes.

    The deflate stream is one block of rows compressed once and repeated (each ends with a full
    flush, so it stands alone), closed by an empty final block and the Adler-32 of n zero bytes
    (a = 1, b = n): 20000 × 20000 is built in milliseconds instead of compressing 400 MB.
    """
    row = width + 1  # the filter byte, then one byte a pixel
    rows_per_block = next(count for count in range(min(height, 256), 0, -1) if height % count == 0)
    block = b"\0" * (row * rows_per_block)
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    total = row * height
    adler = ((total % 65521) << 16) | 1
    stream = first + repeated * (height // rows_per_block - 1) + b"\x03\x00" + adler.to_bytes(4, "big")
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", stream) + _png_chunk(b"IEND", b"")


def animated_png(frames: int, size: tuple[int, int]) -> bytes:
    images = [Image.new("RGB", size, (frame * 40 % 256, 90, 160)) for frame in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PNG", save_all=True, append_images=images[1:], duration=100)
    return buffer.getvalue()


def png_with_text_chunks(count: int, size_each: int = 1_000_000) -> bytes:
    """A small PNG carrying ``count`` compressed text chunks of ``size_each`` characters each."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for number in range(count):
        info.add_text(f"comment{number}", "A" * size_each, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 60)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()
