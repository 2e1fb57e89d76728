"""How to cut Chinese and Thai into searchable words: the letter pairs search uses, against the
dictionary segmenters jieba (Chinese) and PyThaiNLP's newmm (Thai), on product names.

Not one of ``python -m bench``'s benchmarks: the segmenters are not dependencies of the project.
Install them beside it and point at them::

    .venv/bin/pip install --target /tmp/seglibs jieba pythainlp
    .venv/bin/python -m bench.segmentation --libraries /tmp/seglibs

A query matches a name when every word the segmenter makes of the query is among the words it
makes of the name (dictionary), or when every term search makes of the query is in the name's
indexed text (pairs, through ``expo.exhibition.search_index``, as both databases see it). Network
access is refused while it runs, so a segmenter that downloads a model at run time fails here.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Callable, Sequence

from expo.exhibition.search_index import parse_query, searchable_text

CHINESE_NAMES = (
    "医用口罩",
    "口罩机",
    "全自动平面口罩生产线",
    "KN95口罩生产线",
    "丁腈检查手套",
    "乳胶外科手套",
    "防护服",
    "一次性隔离衣",
    "新冠抗原快速检测试剂盒",
    "罗布斯塔咖啡豆",
    "越南滴漏咖啡",
    "猫山王榴莲",
    "冷冻榴莲果肉",
    "茉莉香米",
    "熔喷无纺布",
    "口罩耳带焊接机",
    "铝制鼻梁条",
    "丁腈手套浸渍生产线",
    "电动病床",
    "制氧机",
)
# Query -> the names (by index) a buyer typing it wants.
CHINESE_QUERIES = {
    "口罩": (0, 1, 2, 3, 15),
    "手套": (4, 5, 17),
    "口罩机": (1,),
    "咖啡": (9, 10),
    "榴莲": (11, 12),
    "生产线": (2, 3, 17),
    "香米": (13,),
    "无纺布": (14,),
    "焊接机": (15,),
    "检测": (8,),
    "隔离衣": (7,),
    "病床": (18,),
}
THAI_NAMES = (
    "ถุงมือยางไนไตรล์",
    "หน้ากากอนามัย",
    "เครื่องผลิตหน้ากากอนามัย",
    "ข้าวหอมมะลิ",
    "ทุเรียนหมอนทอง",
    "ทุเรียนแช่แข็ง",
    "กาแฟโรบัสต้า",
    "ชุดตรวจแอนติเจนโควิด",
    "เสื้อกาวน์กันน้ำ",
    "ผ้าไม่ทอ",
    "เครื่องวัดความดันโลหิต",
    "ถุงมือผ่าตัด",
)
THAI_QUERIES = {
    "ถุงมือ": (0, 11),
    "หน้ากาก": (1, 2),
    "ข้าวหอม": (3,),
    "ทุเรียน": (4, 5),
    "กาแฟ": (6,),
    "ชุดตรวจ": (7,),
    "ผ้า": (9,),
    "เครื่อง": (2, 10),
    "มะลิ": (3,),
    "แช่แข็ง": (5,),
    "ความดัน": (10,),
    "อนามัย": (1, 2),
}


def pairs_match(query: str, name: str) -> bool:
    words = set(searchable_text(name).split())
    return all(
        term.token in words
        or (term.pairs and set(term.pairs) <= words)
        or (term.prefix and any(word.startswith(term.token) for word in words))
        for term in parse_query(query)
    )


def evaluate(
    language: str, names: Sequence[str], queries: dict[str, tuple[int, ...]], segment: Callable[[str], list[str]]
) -> list[str]:
    lines = []
    methods = {"dictionary": lambda query, name: set(segment(query)) <= set(segment(name)), "pairs": pairs_match}
    for method, match in methods.items():
        found = missed = extra = 0
        for query, wanted in queries.items():
            got = {index for index, name in enumerate(names) if match(query, name)}
            found += len(got & set(wanted))
            missed += len(set(wanted) - got)
            extra += len(got - set(wanted))
        lines.append(f"{language} {method}: found {found} of {found + missed} wanted, {extra} unwanted")
    for method, cut in (("dictionary", segment), ("pairs", searchable_text)):
        started = time.perf_counter()
        for _round in range(200):
            for name in names:
                cut(name)
        lines.append(f"{language} {method}: {(time.perf_counter() - started) / (200 * len(names)) * 1e6:.1f} µs a name")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.segmentation", description=__doc__.splitlines()[0])
    parser.add_argument("--libraries", help="a folder holding jieba and pythainlp (pip install --target)")
    args = parser.parse_args(argv)
    if args.libraries:
        sys.path.insert(0, args.libraries)

    def no_network(*_args, **_kwargs):
        raise RuntimeError("the segmenter tried to use the network")

    socket.socket.connect = no_network
    import importlib
    import logging

    # Not project dependencies: the dictionaries this comparison measures search's letter pairs
    # against, installed for it alone into the --libraries folder.
    jieba = importlib.import_module("jieba")
    word_tokenize = importlib.import_module("pythainlp.tokenize").word_tokenize

    jieba.setLogLevel(logging.WARNING)
    for name, first in (("jieba", lambda: jieba.lcut("口罩")), ("pythainlp", lambda: word_tokenize("หน้ากาก"))):
        started = time.perf_counter()
        first()
        print(f"{name}: first call (loading its dictionary) {time.perf_counter() - started:.2f} s")
    for line in evaluate("Chinese", CHINESE_NAMES, CHINESE_QUERIES, jieba.lcut):
        print(line)
    for line in evaluate("Thai", THAI_NAMES, THAI_QUERIES, lambda text: word_tokenize(text, engine="newmm")):
        print(line)
    print("jieba:", " | ".join(" ".join(jieba.lcut(name)) for name in CHINESE_NAMES[:6]))
    print("newmm:", " | ".join(" ".join(word_tokenize(name)) for name in THAI_NAMES[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
