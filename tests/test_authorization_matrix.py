"""Every rule of the app's URL map, for every actor, answers as tests/authz_table.py declares.

The world (tests/matrix_world.py) is built once for the module, each actor logs in once, and
every request sees the same world. A new route fails ``test_every_route_is_declared`` until
its answers are declared; a declared route that is gone fails it too. All differences are
reported together, each as (rule, method, actor): expected, got.
"""

import pytest

from tests.authz_table import ARG_DEFAULTS, DESIGN_URLS, LOGIN, NOT_ASKED, TABLE, Finding
from tests.matrix_world import ACTORS, built_world

METHODS = ("GET", "POST")


@pytest.fixture(scope="module")
def world(database_template, tmp_path_factory, ledger_key_file):
    with built_world(database_template, tmp_path_factory.mktemp("matrix"), ledger_key_file) as built:
        yield built


def _rules(app) -> dict:
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def _endpoint(key: str) -> str:
    return key.split("@", 1)[0]


def _answer(response):
    if response.status_code == 302 and response.location.startswith("/auth/login"):
        return LOGIN
    return response.status_code


def _cells(key: str, method: str):
    """(actor, declared answer) for every actor of one declared (rule, method)."""
    answers = TABLE[key][method]
    for actor in ACTORS:
        yield actor, answers.get(actor, answers["default"])


def _url(world, rule, key: str) -> str:
    args = {name: TABLE[key].get("args", {}).get(name, ARG_DEFAULTS.get(name)) for name in rule.arguments}
    missing = sorted(name for name, value in args.items() if value is None)
    assert not missing, f"{key}: no world value for the converters {missing}: give them in its 'args'"
    return world.url(rule.endpoint, args)


def _ask(world, key: str, method: str, actor: str):
    rule = _rules(world.app)[_endpoint(key)]
    data = world.form(TABLE[key].get("data", {}))
    return world.request(actor, method, _url(world, rule, key), data)


def test_every_route_is_declared(world):
    rules = _rules(world.app)
    declared = {_endpoint(key) for key in TABLE}
    problems = [
        f"{endpoint} ({rules[endpoint].rule}): not in tests/authz_table.py, declare who may reach it"
        for endpoint in sorted(set(rules) - declared - set(NOT_ASKED))
    ]
    problems += [
        f"{endpoint}: declared but no longer in url_map" for endpoint in sorted(declared - set(rules))
    ]
    problems += [
        f"{endpoint}: NOT_ASKED but no longer in url_map" for endpoint in sorted(set(NOT_ASKED) - set(rules))
    ]
    for key, entry in TABLE.items():
        rule = rules.get(_endpoint(key))
        if rule is None:
            continue
        for method in METHODS:
            if method in rule.methods and method not in entry:
                problems.append(f"{key} {method}: the rule takes {method}; declare its answers")
            if method in entry and method not in rule.methods:
                problems.append(f"{key} {method}: declared, but the rule no longer takes {method}")
            unknown = set(entry.get(method, {})) - set(ACTORS) - {"default"}
            if unknown:
                problems.append(f"{key} {method}: unknown actors {sorted(unknown)}")
    assert not problems, "\n".join(problems)


def test_every_actor_gets_the_declared_answer(world):
    rules = _rules(world.app)
    differences = []
    for key in sorted(TABLE):
        if _endpoint(key) not in rules:
            continue  # reported by test_every_route_is_declared
        for method in METHODS:
            if method not in TABLE[key] or method not in rules[_endpoint(key)].methods:
                continue
            for actor, expected in _cells(key, method):
                if isinstance(expected, Finding):
                    continue
                got = _answer(_ask(world, key, method, actor))
                if got != expected:
                    differences.append(f"({key}, {method}, {actor}): expected {expected}, got {got}")
    assert not differences, f"{len(differences)} answers differ from tests/authz_table.py:\n" + "\n".join(
        differences
    )


FINDINGS = [
    pytest.param(key, method, actor, cell, id=f"{key}-{method}-{actor}",
                 marks=pytest.mark.xfail(strict=True, reason=cell.reason))
    for key in sorted(TABLE)
    for method in METHODS
    if method in TABLE[key]
    for actor, cell in _cells(key, method)
    if isinstance(cell, Finding)
]  # fmt: skip


NO_FINDINGS = pytest.param(None, None, None, None, marks=pytest.mark.skip(reason="no open findings"))


@pytest.mark.parametrize(("key", "method", "actor", "finding"), FINDINGS or [NO_FINDINGS])
def test_findings_get_the_answer_design_md_gives(world, key, method, actor, finding):
    assert _answer(_ask(world, key, method, actor)) == finding.expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(
            path, expected, marks=pytest.mark.xfail(strict=True, reason=f"DESIGN §5: {path}; not built")
        )
        for path, expected in DESIGN_URLS.items()
    ],
)
def test_the_public_urls_of_design_md_answer(world, path, expected):
    assert world.request("anonymous", "GET", path.format(**world.values)).status_code == expected
