"""Video links a booth may embed: the allow-listed hosts and each one's canonical player address."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from flask_babel import gettext as _

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
BILIBILI_BVID = re.compile(r"^BV[0-9A-Za-z]{10}$")
BILIBILI_AID = re.compile(r"^(?:av)?([0-9]{1,12})$", re.IGNORECASE)
YOUKU_ID = re.compile(r"^[A-Za-z0-9=]{8,40}$")
TENCENT_VID = re.compile(r"^[a-z0-9]{11}$")

# The origins of the players the canonical addresses point at: the booth page's CSP allows
# exactly the one its video uses in frames.
PLAYER_ORIGINS = frozenset(
    {
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://player.bilibili.com",
        "https://player.youku.com",
        "https://v.qq.com",
    }
)


class UnsupportedVideoLink(ValueError):
    """The link is not a video on an allow-listed host; the message is safe to show."""


def allowed_hosts_message() -> str:
    return _(
        "Paste the address of a video on YouTube (youtube.com, youtu.be), Vimeo (vimeo.com), Bilibili "
        "(bilibili.com), Youku (youku.com) or Tencent Video (v.qq.com). Videos on other sites cannot be "
        "shown in a booth; upload the video file instead."
    )


def _host(parts) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _query(parts, name: str) -> str:
    return (parse_qs(parts.query).get(name) or [""])[0]


# '90', '90s', '1m30s', '1h2m3s', in the digits 0-9 (str.isdigit() also takes '²', which int() refuses).
_START = re.compile(r"([0-9]{1,6})|(?:([0-9]{1,3})h)?(?:([0-9]{1,4})m)?(?:([0-9]{1,6})s)?")


def _start_seconds(value: str) -> int:
    """The start time a link asks for, in seconds; 0 when absent. Raises UnsupportedVideoLink for one
    that is not a time, rather than quietly dropping it."""
    match = _START.fullmatch(value)
    if not match:
        raise UnsupportedVideoLink(
            _(
                "The start time in this address (t=%(value)s) is not a time such as 90, 90s or "
                "1m30s. Correct it, or remove it to start at the beginning.",
                value=value[:20],
            )
        )
    plain, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return plain + hours * 3600 + minutes * 60 + seconds


def _youtube(parts, host: str) -> str | None:
    segments = _segments(parts.path)
    video_id = ""
    if host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif segments and segments[0] == "watch":
        video_id = _query(parts, "v")
    elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
        video_id = segments[1]
    if not YOUTUBE_ID.match(video_id):
        return None
    start = _start_seconds(_query(parts, "t") or _query(parts, "start"))
    suffix = f"?{urlencode({'start': start})}" if start else ""
    return f"https://www.youtube-nocookie.com/embed/{video_id}{suffix}"


def _vimeo(parts, host: str) -> str | None:
    segments = _segments(parts.path)
    if host == "player.vimeo.com":
        if len(segments) != 2 or segments[0] != "video" or not VIMEO_ID.match(segments[1]):
            return None
        video_id, private_hash = segments[1], _query(parts, "h")
    else:
        # vimeo.com/123, vimeo.com/123/abcdef (unlisted), vimeo.com/channels/x/123, vimeo.com/groups/x/videos/123
        numbered = [index for index, segment in enumerate(segments) if VIMEO_ID.match(segment)]
        if not numbered:
            return None
        index = numbered[-1]
        video_id = segments[index]
        private_hash = segments[index + 1] if index + 1 < len(segments) else ""
    suffix = f"?{urlencode({'h': private_hash})}" if VIMEO_HASH.match(private_hash or "") else ""
    return f"https://player.vimeo.com/video/{video_id}{suffix}"


def _bilibili(parts, host: str) -> str | None:
    if host == "player.bilibili.com":
        bvid, aid = _query(parts, "bvid"), _query(parts, "aid")
    else:
        segments = _segments(parts.path)
        if len(segments) < 2 or segments[0] != "video":
            return None
        bvid = segments[1] if segments[1].startswith("BV") else ""
        aid = "" if bvid else segments[1]
    if BILIBILI_BVID.match(bvid):
        return f"https://player.bilibili.com/player.html?{urlencode({'bvid': bvid})}"
    match = BILIBILI_AID.match(aid)
    if match:
        return f"https://player.bilibili.com/player.html?{urlencode({'aid': match.group(1)})}"
    return None


def _youku(parts, host: str) -> str | None:
    segments = _segments(parts.path)
    video_id = ""
    if host == "player.youku.com" and len(segments) == 2 and segments[0] == "embed":
        video_id = segments[1]
    elif host in ("v.youku.com", "youku.com") and segments:
        # v.youku.com/v_show/id_<ID>.html, and the mobile site's m.youku.com/video/id_<ID>.html
        match = re.fullmatch(r"id_([A-Za-z0-9=]+)\.html", segments[-1])
        video_id = match.group(1) if match else ""
    if not YOUKU_ID.match(video_id):
        return None
    return f"https://player.youku.com/embed/{video_id}"


def _tencent(parts, host: str) -> str | None:
    segments = _segments(parts.path)
    vid = _query(parts, "vid")
    if (
        not vid
        and len(segments) >= 3
        and segments[:2] in (["x", "page"], ["x", "cover"])
        and segments[-1].endswith(".html")
    ):
        # /x/page/<vid>.html, /x/cover/<album>/<vid>.html; /x/cover/<album>.html names no one episode.
        if segments[1] == "page" or len(segments) == 4:
            vid = segments[-1][: -len(".html")]
    if not TENCENT_VID.match(vid):
        return None
    return f"https://v.qq.com/txp/iframe/player.html?{urlencode({'vid': vid})}"


_HOSTS = {
    "youtube.com": _youtube,
    "youtu.be": _youtube,
    "youtube-nocookie.com": _youtube,
    "music.youtube.com": _youtube,
    "vimeo.com": _vimeo,
    "player.vimeo.com": _vimeo,
    "bilibili.com": _bilibili,
    "player.bilibili.com": _bilibili,
    "v.youku.com": _youku,
    "player.youku.com": _youku,
    "youku.com": _youku,
    "v.qq.com": _tencent,
}


def canonical_embed_url(link: str) -> str:
    """The player address to embed for a link to a video on an allow-listed host.

    'https://youtu.be/ID' and 'https://www.youtube.com/shorts/ID' both give
    'https://www.youtube-nocookie.com/embed/ID' (no tracking cookies until the visitor plays).
    Raises UnsupportedVideoLink, whose message names the hosts allowed.
    """
    link = (link or "").strip()
    if "://" not in link:
        link = "https://" + link  # people paste "youtu.be/..." without the scheme
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        raise UnsupportedVideoLink(allowed_hosts_message()) from None
    if parts.scheme not in ("http", "https") or parts.username or parts.password or port not in (None, 80, 443):
        raise UnsupportedVideoLink(allowed_hosts_message())
    host = _host(parts)
    if host == "b23.tv":
        raise UnsupportedVideoLink(
            _(
                "Short b23.tv links cannot be checked. Open the video on bilibili.com and copy "
                "the address from there (it contains /video/BV…)."
            )
        )
    if host == "v.qq.com" and not _tencent(parts, host) and "/x/cover/" in parts.path:
        raise UnsupportedVideoLink(
            _(
                "This Tencent Video address names a series, not one video. Open the episode "
                "to show and copy its address."
            )
        )
    handler = _HOSTS.get(host)
    canonical = handler(parts, host) if handler else None
    if canonical is None:
        if handler is not None:
            raise UnsupportedVideoLink(
                _(
                    "This address does not point to a single video. Open the video itself and "
                    "copy the address from the browser's address bar or its Share button."
                )
            )
        raise UnsupportedVideoLink(allowed_hosts_message())
    return canonical


def player_origin(embed_url: str) -> str | None:
    """The origin of a canonical player address ('https://player.vimeo.com'); None if it is not one of ours."""
    parts = urlsplit(embed_url or "")
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin if origin in PLAYER_ORIGINS else None
