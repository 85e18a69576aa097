"""``mysafe-tui list`` against the simulator on a real socket: shapes, CSV, failures."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.ops.export import ITEM_FIELDS
from tui.simulator.data import Item

from support.cli import invoke, json_lines, only_line, server_env
from support.servers import ServedSimulator, closed_port, self_signed_https, served


@pytest.fixture
def server() -> Iterator[ServedSimulator]:
    with served() as running:
        yield running


def test_json_is_one_array_of_objects_with_every_field(server: ServedSimulator) -> None:
    done = invoke(["list", "passwords", "--format", "json"], server_env(server.url))
    assert done.exit_code == 0, done.stderr
    assert done.stderr == ""
    items = json.loads(done.stdout)
    sim = server.simulator
    listed = [i for i in sim.items("password") if i.can_view and i.active]
    assert [item["identifier"] for item in items] == [i.identifier for i in listed]
    first, source = items[0], listed[0]
    assert list(first) == list(ITEM_FIELDS)
    assert first == {
        "kind": "password",
        "identifier": source.identifier,
        "name": source.name,
        "username": source.username,
        "url": source.url,
        "tags": [tag.strip() for tag in source.tags.split(",") if tag.strip()],
        "identifier_code": "",
        "can_view": True,
        "can_write": source.can_write,
        "need_justify": source.need_justify,
        "need_approval": source.need_approval,
    }
    assert any(item["can_write"] is False for item in items)


def test_jsonl_is_one_object_a_line_and_fields_choose_the_keys(server: ServedSimulator) -> None:
    env = server_env(server.url)
    done = invoke(["list", "secrets", "--format", "jsonl"], env)
    assert done.exit_code == 0
    lines = json_lines(done.stdout)
    assert len(lines) == len(done.stdout.strip().splitlines()) > 5
    assert all(line["kind"] == "api_secret" and list(line) == list(ITEM_FIELDS) for line in lines)
    done = invoke(["list", "secrets", "--format", "jsonl", "--fields", "name,identifier"], env)
    assert list(json_lines(done.stdout)[0]) == ["name", "identifier"]


def test_filters_server_side_and_match_client_side(server: ServedSimulator) -> None:
    env = server_env(server.url)
    done = invoke(["list", "passwords", "--tag", "prod", "--format", "json"], env)
    tagged = json.loads(done.stdout)
    assert tagged and all(any("prod" in t for t in item["tags"]) for item in tagged)
    done = invoke(["list", "passwords", "--match", "GITHUB PROD", "--format", "json"], env)
    matched = json.loads(done.stdout)
    assert matched and all("github" in item["name"].lower() for item in matched)


def test_match_takes_the_consoles_filter_language(server: ServedSimulator) -> None:
    env = server_env(server.url)
    listed = [i for i in server.simulator.items("password") if i.can_view and i.active]

    def matched(query: str) -> list[str]:
        done = invoke(["list", "passwords", "--match", query, "--format", "json"], env)
        assert done.exit_code == 0, done.stderr
        return [item["identifier"] for item in json.loads(done.stdout)]

    def shown(item: Item) -> str:  # what plain words search: the ID and the Name
        return f"{item.identifier} {item.name}".lower()

    def tagged(item: Item, tag: str) -> bool:
        return tag in item.tags.lower()

    either = [i.identifier for i in listed if "github" in shown(i) or "gitlab" in shown(i)]
    assert either and matched("github|GitLab") == either
    without = [i.identifier for i in listed if "prod" not in shown(i)]
    assert 0 < len(without) < len(listed) and matched("!prod") == without
    some = listed[5].identifier
    assert matched(f"id:{some}") == matched(f"#{some}") == [some]
    # Plain words no longer reach the tags (issue 21: /prod took a staging item along
    # through its tag); tag: does, alone, negated, or as either side of a bar.
    by_tag = [i.identifier for i in listed if tagged(i, "prod")]
    only_by_tag = [i for i in by_tag if i not in matched("prod")]
    assert only_by_tag and matched("tag:prod") == by_tag
    assert matched("!tag:prod") == [i.identifier for i in listed if not tagged(i, "prod")]
    assert matched("tag:prod|tag:staging") == [
        i.identifier for i in listed if tagged(i, "prod") or tagged(i, "staging")
    ]
    assert matched("prod !tag:prod") == [
        i.identifier for i in listed if "prod" in shown(i) and not tagged(i, "prod")
    ]
    assert matched(f"#{some}|#{listed[0].identifier}") == [listed[0].identifier, some]


def test_the_table_adds_the_fields_a_match_looked_in(server: ServedSimulator) -> None:
    env = server_env(server.url)
    done = invoke(["list", "secrets", "--format", "table"], env)
    assert "TAGS" not in done.stdout.splitlines()[0]
    done = invoke(["list", "secrets", "--match", "!tag:x code:|name:a", "--format", "table"], env)
    assert "TAGS" not in done.stdout.splitlines()[0], "a tag it excludes is not shown"
    done = invoke(["list", "secrets", "--match", "tag:|code:", "--format", "table"], env)
    assert "CODE" not in done.stdout.splitlines()[0], "unfinished words name nothing"
    done = invoke(["list", "passwords", "--match", "code:x|tag:prod", "--format", "table"], env)
    header = done.stdout.splitlines()[0]
    assert re.match(r"IDENTIFIER\s+NAME\s+IDENTIFIER_CODE\s+USERNAME", header), header
    # Data formats do not change with --match: the same objects, fewer of them.
    done = invoke(["list", "passwords", "--match", "code:x|tag:prod", "--format", "json"], env)
    assert all(list(item) == list(ITEM_FIELDS) for item in json.loads(done.stdout))
    done = invoke(
        ["list", "passwords", "--match", "tag:prod", "--fields", "identifier", "--format", "table"],
        env,
    )
    assert done.stdout.splitlines()[0].strip() == "IDENTIFIER", "--fields is obeyed"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["list", "secrets", "--name", "x"], "cannot be filtered by --name"),
        (
            ["list", "passwords", "--identifier-code", "x"],
            "cannot be filtered by --identifier-code",
        ),
        (["list", "passwords", "--fields", "name,secret"], "unknown field secret"),
        (["list", "passwords", "--format", "yaml"], "'yaml' is not one of"),
        (["list", "keys"], "'keys' is not one of"),
        (["list", "passwords", "--tag", " "], "--tag is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    server: ServedSimulator, args: list[str], text: str
) -> None:
    done = invoke([*args, "--format", "json"] if "--format" not in args else args,
                  server_env(server.url))  # fmt: skip
    assert done.exit_code == 2
    lines = done.stderr.splitlines()
    assert text in lines[0]
    if "yaml" not in args:  # --format json was understood: the error has its JSON twin
        assert json.loads(lines[1])["error"]["kind"] == "usage"
    assert done.stdout == ""
    assert server.simulator.request_log == []


def test_csv_cells_are_safe_in_a_spreadsheet(server: ServedSimulator) -> None:
    sim = server.simulator
    hostile = sim.add_item(
        "password",
        name='=HYPERLINK("http://evil.example","click")',
        username="+cmd|' /C calc'!A0",
        url="-2+3",
        tags="@SUM(A1), \ttab",
    )
    sim.add_item("password", name="title \x1b]0;pwned\x07 bell \x1b[2J", username="\r=1")
    done = invoke(["list", "passwords", "--format", "csv"], server_env(server.url))
    assert done.exit_code == 0
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == list(ITEM_FIELDS)
    assert len(rows) - 1 == len([i for i in sim.items("password") if i.can_view and i.active])
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
            assert not any(unicodedata.category(c) == "Cc" for c in cell), repr(cell)
    mine = next(row for row in rows if row[1] == hostile)
    assert mine[2] == '\'=HYPERLINK("http://evil.example","click")'
    assert mine[3].startswith("'+") and mine[4] == "'-2+3" and mine[5].startswith("'@")
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout


def test_an_empty_list_is_success(server: ServedSimulator) -> None:
    env = server_env(server.url)
    done = invoke(["list", "passwords", "--tag", "no-such-tag", "--format", "json"], env)
    assert (done.exit_code, done.stdout) == (0, "[]\n")
    done = invoke(["list", "passwords", "--tag", "no-such-tag", "--format", "jsonl"], env)
    assert (done.exit_code, done.stdout) == (0, "")


def test_the_table_is_for_people(server: ServedSimulator) -> None:
    done = invoke(["list", "passwords", "--format", "table"], server_env(server.url))
    assert done.exit_code == 0
    header = done.stdout.splitlines()[0]
    assert re.match(r"IDENTIFIER\s+NAME\s+USERNAME", header)
    assert "\x1b" not in done.stdout


# -- failures that stop the command: exit code and one line (plus JSON) on stderr ---------


def error_of(stderr: str) -> dict[str, object]:
    lines = stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("mysafe-tui: error: "), lines
    error = json.loads(lines[1])["error"]
    assert set(error) == {"kind", "message", "http_status", "code", "request_id"}
    return dict(error)


def test_refused_credentials_exit_4(server: ServedSimulator) -> None:
    done = invoke(["list", "passwords", "--format", "json"], server_env(server.url, "wrong"))
    assert done.exit_code == 4 and done.stdout == ""
    error = error_of(done.stderr)
    assert error["kind"] == "authentication" and error["http_status"] in (400, 401)


def test_a_closed_port_exits_3_and_names_the_port() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    done = invoke(["list", "passwords", "--format", "jsonl"], server_env(url))
    assert done.exit_code == 3 and done.stdout == ""
    error = error_of(done.stderr)
    assert error["kind"] == "connection"
    message = error["message"]
    assert isinstance(message, str) and f"127.0.0.1:{port}" in message  # which server (issue 9)


def test_a_self_signed_certificate_exits_3(tmp_path: Path) -> None:
    with self_signed_https(tmp_path) as url:
        done = invoke(["list", "passwords", "--format", "table"], server_env(url))
    assert done.exit_code == 3 and done.stdout == ""
    line = only_line(done.stderr)  # table: no JSON twin
    assert "certificate" in line.lower() and "not trusted" in line


def test_several_profiles_and_none_chosen_is_a_usage_error(isolated_dirs: Path) -> None:
    config = isolated_dirs / "xdg_config_home" / "mysafe-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[profiles.a]\nurl = "https://a.example.com"\nclient_id = "a"\n'
        '[profiles.b]\nurl = "https://b.example.com"\nclient_id = "b"\n'
    )
    env = {"MYSAFE_URL": None, "MYSAFE_PROFILE": None}
    done = invoke(["list", "passwords", "--format", "table"], env)
    assert done.exit_code == 2
    assert "several profiles (a, b)" in only_line(done.stderr)
