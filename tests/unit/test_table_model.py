"""The table's model on its own, with no Textual: rows built when needed, marks,
statuses, the selection a batch is planned from, and what it tells its widget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tui.console.models import Row, TableModel
from tui.console.models.marks import Marks

Item = tuple[str, str]


def make_row(item: Item) -> Row:
    key, name = item
    return Row(key, (key, name))


def model_of(names: list[str]) -> TableModel[Item]:
    model: TableModel[Item] = TableModel()
    items = [(str(n), name) for n, name in enumerate(names)]
    model.set_source([key for key, _ in items], items, make_row)
    return model


class Recording:
    """A watcher that writes down what it was told."""

    def __init__(self) -> None:
        self.told: list[tuple[Any, ...]] = []

    def rows_replaced(self) -> None:
        self.told.append(("rows",))

    def view_changed(self) -> None:
        self.told.append(("view",))

    def marks_changed(self, key: str | None) -> None:
        self.told.append(("marks", key))

    def row_changed(self, key: str) -> None:
        self.told.append(("row", key))

    def statuses_changed(self, keys: Sequence[str]) -> None:
        self.told.append(("statuses", *keys))

    def cursor_moved(self, old: int) -> None:
        self.told.append(("cursor", old))


def test_rows_are_built_when_first_needed_and_items_are_kept_by_key() -> None:
    built: list[str] = []

    def counted(item: Item) -> Row:
        built.append(item[0])
        return make_row(item)

    model: TableModel[Item] = TableModel()
    items = [(str(n), f"item {n}") for n in range(100)]
    model.set_source([key for key, _ in items], items, counted)
    assert built == [] and model.row_count == 100 and model.visible_count == 100
    assert model.row("42") == Row("42", ("42", "item 42")) and built == ["42"]
    assert model.item("42") == ("42", "item 42") and model.item(None) is None
    assert model.item("nope") is None and len(model.items) == 100
    model.filter_index()  # what the filter searches: every row, built now
    assert len(built) == 1 + 100


def test_a_reload_keeps_the_marks_and_statuses_of_rows_that_remain_and_says_which_went() -> None:
    model = model_of(["a", "b", "c", "d"])
    model.mark(["0", "2", "3", "nope"])
    model.set_status("2", "deactivated")
    model.set_status("3", "failed", ok=False)
    items = [("0", "a"), ("2", "c")]
    dropped = model.set_source(["0", "2"], items, make_row)
    assert dropped == {"3"}
    assert model.marked_keys == ["0", "2"]
    assert model.status("2") == ("deactivated", True) and model.status_of("3") is None


def test_status_labels_are_made_safe_to_draw() -> None:
    model = model_of(["a"])
    model.set_status("0", "odd \x1b[2J")
    assert model.status_of("0") == "odd ␛[2J"
    model.set_status("0", None)
    assert model.status("0") is None and list(model.status_labels()) == []


def test_the_selection_is_the_marks_or_else_the_cursor_row() -> None:
    model = model_of(["prod a", "dev b", "prod c", "dev d"])
    assert model.selection() == (["0"], set())
    model.move_cursor(2)
    assert model.selection() == (["2"], set())
    model.mark(["3", "1"])
    model.set_filter("dev")
    assert model.selection() == (["1", "3"], set())
    model.set_filter("prod")
    assert model.selection() == (["1", "3"], {"1", "3"})
    model.clear_marks()
    model.set_filter("nothing matches")
    assert model.selection() == ([], set()) and model.cursor_key is None


def test_the_cursor_stays_on_its_row_or_the_next_one_shown() -> None:
    model = model_of(["prod a", "dev b", "prod c", "dev d"])
    assert model.move_cursor_to("1")
    model.set_filter("prod")  # row 1 hidden: the next shown after it
    assert model.cursor_key == "2"
    assert not model.move_cursor_to("1")
    model.move_cursor(99)  # kept within the rows shown
    assert model.cursor_key == "2" and model.cursor_index == 1
    model.set_filter("")
    model.set_sort(1, descending=True)  # by name
    assert model.visible_keys() == ["2", "0", "3", "1"] and model.cursor_key == "2"
    model.reverse_sort()
    assert model.sort == (1, False) and model.visible_keys() == ["1", "3", "0", "2"]


def test_a_sort_under_a_filter_reorders_the_rows_shown() -> None:
    # Found by the property test below: the rows the filter kept were narrowed in
    # their old order, so the header said sorted and the rows were not.
    model = model_of(["ab", "b", "c"])
    model.set_filter("b")
    model.set_sort(1, descending=True)
    assert model.visible_keys() == ["1", "0"]
    assert model.move_cursor_to("0") and model.cursor_index == 1


def test_the_watcher_is_told_every_change_whoever_makes_it() -> None:
    model = model_of(["prod a", "dev b", "prod c"])
    watcher = Recording()
    model.watch(watcher)
    model.toggle_mark("1")
    model.toggle_mark("nope")  # no such row: nothing changed, nothing told
    model.mark(["0"])
    model.mark(["0"])  # marked already: nothing told
    model.unmark(["2"])  # not marked: nothing told
    model.set_status("0", "deactivated")
    model.set_statuses([("1", "failed", False), ("2", "deactivated", True)])
    model.set_statuses([])  # nothing set: nothing told
    model.update_row("2", ("2", "renamed"))
    model.move_cursor(1)
    model.move_cursor(1)  # already there: nothing told
    model.set_filter("prod")
    model.set_filter("prod")  # unchanged: nothing told
    model.set_rows([Row("9", ("9", "x"))])
    assert watcher.told == [
        ("marks", "1"),
        ("marks", None),
        ("statuses", "0"),
        ("statuses", "1", "2"),
        ("row", "2"),
        ("cursor", 0),
        ("view",),
        ("rows",),
    ]


def test_marks_invert_and_toggle_over_the_rows_shown_only() -> None:
    model = model_of(["prod a", "dev b", "prod c", "dev d"])
    model.mark(["1"])
    model.set_filter("prod")
    model.invert_marks_visible()
    assert model.marked_keys == ["0", "1", "2"]
    model.toggle_mark_all_visible()  # all shown are marked: unmarked
    assert model.marked_keys == ["1"]
    model.toggle_mark("0")
    model.toggle_mark_all_visible()  # not all: all marked
    assert model.marked_keys == ["0", "1", "2"]
    assert model.clear_marks() == 3 and model.marked_count == 0


NAMES = st.lists(st.text(alphabet="ab ", max_size=4), min_size=1, max_size=20)
QUERIES = st.text(alphabet="ab!|# ", max_size=4)
KEYS = st.lists(st.integers(0, 25).map(str), max_size=8)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("filter"), QUERIES),
        st.tuples(st.just("sort"), st.sampled_from([None, (0, False), (1, True), (1, False)])),
        st.tuples(st.just("mark"), KEYS),
        st.tuples(st.just("unmark"), KEYS),
        st.tuples(st.just("toggle"), st.integers(0, 25).map(str)),
        st.tuples(st.just("invert"), st.none()),
        st.tuples(st.just("all"), st.none()),
        st.tuples(st.just("cursor"), st.integers(-2, 25)),
        st.tuples(st.just("reload"), NAMES),
    ),
    max_size=25,
)


def check(model: TableModel[Item], names: list[str]) -> None:
    rows = [str(n) for n in range(len(names))]
    visible = model.visible_keys()
    marked = model.marked_keys
    # What is shown is what a fresh model shows for the same rows, filter and sort.
    fresh = model_of(names)
    sort = model.sort
    if sort is not None:
        fresh.set_sort(*sort)
    fresh.set_filter(model.filter_query)
    assert visible == fresh.visible_keys()
    # Marks are rows of the table, in the table's order; hidden ones are the
    # marked minus the shown, exactly.
    assert set(marked) <= set(rows) and marked == sorted(marked, key=int)
    assert model.marked_count == len(marked)
    assert model.hidden_marked_keys() == set(marked) - set(visible)
    assert model.hidden_marked_count == len(set(marked) - set(visible))
    # The cursor is on a row shown, or there is none shown.
    assert (model.cursor_key is None) == (not visible)
    if visible:
        assert visible[model.cursor_index] == model.cursor_key
    # A batch plans from the marks, or else the cursor row.
    keys, hidden = model.selection()
    if marked:
        assert (keys, hidden) == (marked, set(marked) - set(visible))
    else:
        assert (keys, hidden) == ([model.cursor_key] if visible else [], set())


@given(names=NAMES, operations=OPERATIONS)
def test_marks_filter_and_sort_invariants_hold_after_any_operations(
    names: list[str], operations: list[tuple[str, Any]]
) -> None:
    model = model_of(names)
    for operation, value in operations:
        if operation == "filter":
            model.set_filter(value)
        elif operation == "sort":
            model.set_sort(*(value or (None,)))
        elif operation == "mark":
            model.mark(value)
        elif operation == "unmark":
            model.unmark(value)
        elif operation == "toggle":
            model.toggle_mark(value)
        elif operation == "invert":
            model.invert_marks_visible()
        elif operation == "all":
            model.toggle_mark_all_visible()
        elif operation == "cursor":
            model.move_cursor(value)
        else:
            before = set(model.marked_keys)
            names = value
            items = [(str(n), name) for n, name in enumerate(names)]
            dropped = model.set_source([key for key, _ in items], items, make_row)
            assert dropped == {key for key in before if int(key) >= len(names)}
        check(model, names)


def test_the_marks_in_the_tables_order_by_a_pass_or_a_sort_alike() -> None:
    """Many marked: picked from the table's keys in one pass; few: sorted by position."""
    keys = [str(n) for n in range(100)]
    position = {key: index for index, key in enumerate(keys)}
    for marked in (["7", "3", "50"], keys[::-1], keys[::3]):
        marks = Marks()
        marks.add(marked)
        expected = sorted(marked, key=int)
        assert marks.in_order(position, keys) == marks.in_order(position) == expected
