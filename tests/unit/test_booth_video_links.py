"""Video links: every allow-listed host's common addresses become its canonical player; nothing else passes."""

from __future__ import annotations

import pytest

from expo.booths.video import UnsupportedVideoLink, canonical_embed_url, player_origin

YOUTUBE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("link", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE),
        ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", YOUTUBE),
        ("youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE),
        ("https://youtu.be/dQw4w9WgXcQ?si=tracking", YOUTUBE),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", YOUTUBE),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", YOUTUBE),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", YOUTUBE),
        ("https://youtu.be/dQw4w9WgXcQ?t=90", YOUTUBE + "?start=90"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", YOUTUBE + "?start=90"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://vimeo.com/channels/staffpicks/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://vimeo.com/76979871/8272103f6e", "https://player.vimeo.com/video/76979871?h=8272103f6e"),
        (
            "https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0",
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
        ),
        (
            "https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333.999",
            "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7",
        ),
        ("https://m.bilibili.com/video/BV1GJ411x7h7", "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7"),
        ("https://www.bilibili.com/video/av170001", "https://player.bilibili.com/player.html?aid=170001"),
        (
            "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=1",
            "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7",
        ),
        (
            "https://v.youku.com/v_show/id_XNDk4MjQ2NDU2MA==.html?spm=a2h0c",
            "https://player.youku.com/embed/XNDk4MjQ2NDU2MA==",
        ),
        ("https://player.youku.com/embed/XNDk4MjQ2NDU2MA==", "https://player.youku.com/embed/XNDk4MjQ2NDU2MA=="),
        (
            "https://v.qq.com/x/cover/mzc002006wkfzb8/x0041x0z2fj.html",
            "https://v.qq.com/txp/iframe/player.html?vid=x0041x0z2fj",
        ),
        ("https://v.qq.com/x/page/x0041x0z2fj.html", "https://v.qq.com/txp/iframe/player.html?vid=x0041x0z2fj"),
        (
            "https://m.v.qq.com/x/m/play?vid=x0041x0z2fj&cid=1",
            "https://v.qq.com/txp/iframe/player.html?vid=x0041x0z2fj",
        ),
    ],
)
def test_links_become_the_canonical_player_address(app_ctx, link, player):
    assert canonical_embed_url(link) == player
    assert player_origin(player) is not None


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://evil.example/watch?v=dQw4w9WgXcQ", "YouTube (youtube.com, youtu.be), Vimeo"),
        (
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "Bilibili (bilibili.com), Youku (youku.com) or Tencent",
        ),
        ("javascript:alert(1)", "v.qq.com"),
        ("ftp://youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
        ("https://user:pass@youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
        ("https://www.youtube.com/", "does not point to a single video"),
        ("https://www.youtube.com/watch?v=short", "does not point to a single video"),
        ("https://b23.tv/AbCdEf", "Short b23.tv links cannot be checked"),
        ("https://v.qq.com/x/cover/mzc002006wkfzb8.html", "names a series"),
    ],
)
def test_other_links_are_refused_naming_the_allowed_hosts(app_ctx, link, message):
    with pytest.raises(UnsupportedVideoLink) as refused:
        canonical_embed_url(link)
    assert message in str(refused.value)


def test_only_our_players_have_an_origin_for_the_page_policy():
    assert player_origin("https://player.vimeo.com/video/1") == "https://player.vimeo.com"
    assert player_origin("https://evil.example/embed/1") is None
    assert player_origin("") is None
