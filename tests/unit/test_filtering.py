"""The one filter language (``tui.ops.filtering``): what each form keeps, what it says
matched, and that the console's table and ``list --match`` keep the same items."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.api import ItemSummary, Kind
from tui.console.models import TableModel
from tui.console.screens.main.layout import row_for
from tui.ops.filtering import (
    Alternative,
    Field,
    Term,
    fields_named,
    item_columns,
    matching,
    narrows,
    parse,
    reached_fields,
)


def password(
    identifier: str, name: str, *, tags: str = "", user: str = "", url: str = "", code: str = ""
) -> ItemSummary:
    return ItemSummary(
        Kind.PASSWORD, identifier, name, url=url, username=user, tags=tags, identifier_code=code
    )


ITEMS = [
    password("2", "GitHub prod admin", tags="network", user="elisa", url="https://github.com"),
    password("42", "AWS console prod", tags="shared, ci", user="deploy@prod"),
    password("60", "GitLab staging monitoring", tags="sso, prod", user="monitoring@staging"),
    password("420", "Vault dev admin", tags="staging", url="https://vault.dev.example"),
    password("7", "Kibana qa", code="KIB-7"),
]


def kept(query: str) -> list[str]:
    return [item.identifier for item in matching(ITEMS, query)]


def test_plain_words_search_the_id_and_the_name_only() -> None:
    # The bug: "prod" kept GitLab staging monitoring through its tag.
    assert kept("prod") == ["2", "42"]
    assert kept("PROD admin") == ["2"]
    assert kept("42") == ["42", "420"]  # a plain word is a substring of the ID too
    assert kept("elisa") == [] and kept("sso") == [] and kept("kib-7") == []


def test_prefixes_reach_the_other_fields() -> None:
    assert kept("tag:prod") == ["60"]
    assert kept("TAG:SSO") == ["60"]
    assert kept("user:prod") == ["42"]
    assert kept("url:https://") == ["2", "420"]  # the full URL, scheme included
    assert kept("code:kib") == ["7"]
    assert kept("name:git") == ["2", "60"]
    assert kept("name:42") == []  # name: is the name alone


def test_either_not_and_exact_ids_work_with_prefixes() -> None:
    assert kept("tag:prod|tag:staging") == ["60", "420"]
    assert kept("tag:prod|kibana") == ["60", "7"]  # each side its own field
    assert kept("!tag:prod") == ["2", "42", "420", "7"]
    assert kept("!tag:prod|tag:staging") == ["2", "42", "7"]
    assert kept("admin !tag:network") == ["420"]
    assert kept("id:42") == ["42"] and kept("#42") == ["42"] and kept("#4") == []
    assert kept("#2|#7") == ["2", "7"]
    assert kept("!#42") == ["2", "60", "420", "7"]


def test_unknown_prefixes_are_plain_words_and_unfinished_words_are_ignored() -> None:
    assert parse("db:prod") == [Term((Alternative(Field.SHOWN, "db:prod"),))]
    for unfinished in ("tag:", "!", "#", "id:", "!tag:", "|", "tag:|"):
        assert parse(unfinished) == [], unfinished
    assert parse("tag:|prod") == parse("prod")
    assert kept("prod tag:") == kept("prod")


def test_narrowing_is_claimed_only_within_one_field() -> None:
    assert narrows(parse("tag:pro"), parse("tag:prod"))
    assert narrows(parse("tag:prod"), parse("tag:prod git"))
    assert not narrows(parse("pro"), parse("tag:prod"))  # another field
    assert not narrows(parse("tag:pro"), parse("prod"))
    assert not narrows(parse("#4"), parse("#42"))
    assert narrows(parse("#4|#5"), parse("#4"))
    assert not narrows(parse("!tag:x"), parse("!tag:xy"))


def test_a_match_through_a_hidden_field_is_named() -> None:
    by_tag = reached_fields(ITEMS[2], parse("tag:prod"))
    assert by_tag == [Field.TAG]
    # Kept through the name: nothing to point at, the Name column shows it.
    assert reached_fields(ITEMS[0], parse("prod|tag:prod")) == []
    assert reached_fields(ITEMS[2], parse("prod|tag:prod")) == [Field.TAG]
    assert reached_fields(ITEMS[1], parse("user:prod tag:ci")) == [Field.USER, Field.TAG]
    assert reached_fields(ITEMS[0], parse("!tag:prod")) == []  # kept for what it lacks
    assert fields_named(parse("code:x !tag:y url:z|#3")) == [Field.URL, Field.CODE]


# -- the console and list --match agree --------------------------------------------------

# A small alphabet, shared by the items and the queries, so that words do match;
# "İ" grows when lowered.
TEXT = st.text(alphabet="aAb01İ:|!# ", max_size=5)
PREFIX = st.sampled_from(["", "", "!", "#", "id:", "tag:", "user:", "url:", "code:", "name:"])


@st.composite
def item_lists(draw: st.DrawFn) -> list[ItemSummary]:
    count = draw(st.integers(min_value=0, max_value=12))
    identifiers = draw(
        st.lists(
            st.text(alphabet="01ab", min_size=1, max_size=2),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    return [
        ItemSummary(
            draw(st.sampled_from(list(Kind))),
            identifier,
            name=draw(TEXT),
            url=draw(TEXT),
            username=draw(TEXT),
            tags=draw(TEXT),
            identifier_code=draw(TEXT),
        )
        for identifier in identifiers
    ]


@st.composite
def queries(draw: st.DrawFn, items: list[ItemSummary]) -> str:
    """Words of random text, or of a piece of the items' own text (so that they match,
    and typing them a character at a time narrows through real results)."""
    texts = [
        text
        for item in items
        for text in (item.identifier, item.name, item.url, item.username, item.tags)
        if text
    ]
    pieces = st.sampled_from(texts) if texts else TEXT
    words = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        alternatives = draw(st.lists(st.one_of(TEXT, pieces), min_size=1, max_size=4))
        words.append("|".join(draw(PREFIX) + text for text in alternatives))
    return " ".join(words)


@given(data=st.data(), items=item_lists())
def test_the_console_and_list_match_keep_the_same_items(
    data: st.DataObject, items: list[ItemSummary]
) -> None:
    query = data.draw(queries(items))
    model: TableModel[ItemSummary] = TableModel()
    model.set_source([item.identifier for item in items], items, row_for, item_columns)
    # Typed a character at a time, as in the console: each keystroke may narrow the last.
    for end in range(len(query) + 1):
        model.set_filter(query[:end])
    listed = [item.identifier for item in matching(items, query)]
    assert model.visible_keys() == listed
    terms = parse(query)

    # The scans of whole columns say what each term says of one item.
    def keeps(item: ItemSummary) -> bool:
        return all(term.holds(lambda field: item_columns([item], field)[0]) for term in terms)

    assert listed == [item.identifier for item in items if keeps(item)]
    for item in matching(items, query):
        assert model.reached(item.identifier) == reached_fields(item, terms)
    # Backspaces, then typing on: wider and narrower again.
    cut = data.draw(st.integers(min_value=0, max_value=len(query)))
    for shorter in (query[:cut], query[:cut] + data.draw(TEXT)):
        model.set_filter(shorter)
        assert model.visible_keys() == [item.identifier for item in matching(items, shorter)]
