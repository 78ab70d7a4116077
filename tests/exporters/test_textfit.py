"""Japanese text fitting: wrapping and the font-size search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.textfit import LINE_HEIGHT, em_width, fit_text, wrap


def test_cjk_glyphs_are_one_em() -> None:
    assert abs(em_width("付せん") - 3.0) < 0.05


def test_wrap_keeps_latin_words_and_kinsoku() -> None:
    lines = wrap("申請書を受け付けて、Redmineに登録する。", 5.0)
    assert "".join(lines) == "申請書を受け付けて、Redmineに登録する。"
    assert all(not line.startswith(("、", "。")) for line in lines)
    assert any("Redmine" in line for line in lines)


def test_wrap_keeps_hard_breaks() -> None:
    assert wrap("課題\n待ち時間", 10.0) == ["課題", "待ち時間"]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="あいう漢字カナABC xyz。、「」", min_size=1, max_size=60),
       st.floats(min_value=1.0, max_value=20.0))  # fmt: skip
def test_wrapped_lines_fit_unless_one_token(text: str, width: float) -> None:
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert em_width(line) <= width or len(line.strip()) <= 3  # one glyph with its kinsoku


def test_fit_text_grows_with_the_box_and_stays_inside() -> None:
    text = "本人確認書類を確認する（マイナンバーカード等）"
    small = fit_text(text, 60, 60)
    large = fit_text(text, 120, 120)
    assert small.fits and large.fits
    assert 6 <= small.size_pt < large.size_pt <= 24
    assert len(small.lines) * small.size_pt * LINE_HEIGHT <= 60


def test_fit_text_short_text_is_capped_and_overflow_is_reported() -> None:
    assert fit_text("OK", 200, 200).size_pt == 24
    overflow = fit_text("あ" * 2000, 50, 50)
    assert not overflow.fits and overflow.size_pt == 6
