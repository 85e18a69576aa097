"""The filter language, and narrowing: what typing one more character may reuse."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.console.models import Row, TableModel
from tui.ops.filtering import Alternative, Field, Term, narrows, parse

ROWS = [
    Row("1", ("1", "GitHub prod admin", "network")),
    Row("2", ("2", "GitLab prod service", "ci")),
    Row("12", ("12", "Kibana dev api", "cloud")),
    Row("42", ("42", "AWS console prod", "shared")),
    Row("420", ("420", "Vault dev admin", "monitoring")),
]


def shown(query: str, rows: list[Row] = ROWS) -> list[str]:
    data: TableModel[object] = TableModel()
    data.set_rows(rows)
    data.set_filter(query)
    return data.visible_keys()


def test_words_are_anded_substrings_case_insensitive() -> None:
    assert shown("PROD git") == ["1", "2"]


def test_a_bar_is_either() -> None:
    assert shown("kibana|vault") == ["12", "420"]


def test_a_bang_is_not() -> None:
    assert shown("!prod") == ["12", "420"]
    assert shown("!prod|kibana") == ["420"]


def test_id_and_hash_are_exact_identifiers() -> None:
    assert shown("id:42") == ["42"]
    assert shown("#42") == ["42"]
    assert shown("#4") == []


def test_unfinished_words_do_not_blank_the_table() -> None:
    for query in ("!", "#", "id:", "|", "prod |"):
        assert shown(query) == shown(
            query.replace("|", "").replace("!", "").strip("#").replace("id:", "")
        )


def test_narrowing_is_claimed_only_when_it_holds() -> None:
    assert narrows(parse("pro"), parse("prod"))
    assert narrows(parse("prod"), parse("prod git"))
    assert narrows(parse("a|b"), parse("a|bc"))
    assert not narrows(parse("!x"), parse("!xy"))  # not-x keeps more than not-xy
    assert not narrows(parse("#4"), parse("#42"))
    assert not narrows(parse("prod"), parse("pro"))
    assert not narrows([], parse("a"))
    assert Term((Alternative(Field.SHOWN, "ab"),)).within(Term((Alternative(Field.SHOWN, "a"),)))


def test_sorting_by_a_column_keeps_ids_numeric_and_narrowing_in_order() -> None:
    data: TableModel[object] = TableModel()
    data.set_rows(ROWS)
    data.set_sort(0, descending=True)
    assert data.visible_keys() == ["420", "42", "12", "2", "1"]
    data.set_filter("a")
    data.set_filter("ad")  # narrowed from the sorted result
    assert data.visible_keys() == ["420", "1"]
    assert data.visible_position("1") == 1


WORDS = st.text(alphabet="abc!|#:", min_size=0, max_size=4)


@given(
    names=st.lists(st.text(alphabet="abc ", max_size=6), min_size=1, max_size=30),
    old=st.lists(WORDS, max_size=3).map(" ".join),
    extra=WORDS,
)
def test_a_narrowed_filter_shows_what_a_full_scan_shows(
    names: list[str], old: str, extra: str
) -> None:
    rows = [Row(str(n), (str(n), name)) for n, name in enumerate(names)]
    data: TableModel[object] = TableModel()
    data.set_rows(rows)
    data.set_filter(old)
    data.set_filter(old + extra)  # may reuse the previous result
    assert data.visible_keys() == shown(old + extra, rows)
