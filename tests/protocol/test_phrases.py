"""Japanese line breaks between phrases (BudouX) with kinsoku, for every surface."""

from __future__ import annotations

import pytest

from firmware.printing import advance, wrap
from protocol.phrases import lines, phrases

FOUND = [
    "ただいまお呼び出しはありません", "子ども・子育て", "高齢・介護・障がい", "転居(市内の引越し)",
    "らくらく証明書発行機", "やさしい日本語", "番号札で進み具合を見る", "窓口へお越しください。",
]


@pytest.mark.parametrize("text", FOUND)
def test_the_broken_lines_of_the_walk_through_break_only_between_phrases(text):
    pieces = phrases(text)
    assert "".join(pieces) == text
    assert not [p for p in pieces[1:] if p[0] in "・。、)）"]  # kinsoku
    for width in range(1, len(text)):  # every width: a line holds whole phrases
        out = lines(text, width, len)
        assert "".join(out) == text
        starts = {sum(len(p) for p in pieces[:k]) for k in range(len(pieces) + 1)}
        cuts, at = set(), 0
        for line in out[:-1]:
            at += len(line)
            cuts.add(at)
        assert cuts <= starts or any(len(p) > width for p in pieces), (width, out, pieces)


def test_known_words_stay_whole():
    assert "お越しください。" in phrases("窓口へお越しください。")
    assert "障がい" in phrases("高齢・介護・障がい")
    assert "子育て" in phrases("子ども・子育て")


def test_a_printed_line_breaks_between_phrases():
    text = "ただいまお呼び出しはありません"
    width = advance("ただいまお呼び出しはあり", 24, False) + 2  # room for all but 「ません」
    assert wrap(text, 24, width) == ["ただいまお呼び出しは", "ありません"]


def test_a_page_gets_wbr_between_phrases_only_in_its_shown_text():
    from protocol.phrases import html

    page = ('<html lang="ja"><head><title>混雑状況</title><script>if (a<b) x = "お越しください";'
            '</script></head><body><p title="番号札で進み具合を見る">窓口へお越しください。 A &amp; B'
            '</p><textarea>子ども・子育て</textarea><!-- 高齢・介護 --><li>高齢・介護・障がい</li></body>')
    out = html(page)
    assert "窓口へ<wbr>お越しください。" in out and "A &amp; B" in out
    assert "高齢・<wbr>介護・<wbr>障がい" in out
    untouched = [out.split(x)[0].count("<wbr>") for x in ("</title>", "</script>")]
    assert untouched == [0, 0] and 'title="番号札で進み具合を見る"' in out
    assert "<textarea>子ども・子育て</textarea><!-- 高齢・介護 -->" in out
    assert out.replace("<wbr>", "") == page


def test_one_letter_is_never_a_line_of_its_own():
    assert phrases("前の健康保険の資格喪失証明書(お持ちの方)")[-1] == "(お持ちの方)"
