"""SECURITY.md names a test for each of the 46 controls; those tests must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (tested|scope) \| (.+) \|$", re.MULTILINE)
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_security_md_has_one_row_for_each_of_the_46_controls():
    numbers = [int(match.group(1)) for match in ROW.finditer(DOC)]
    assert numbers == list(range(1, 47))
    assert "TODO" not in DOC


def test_every_tested_control_names_a_test_and_every_named_test_exists():
    missing = []
    for match in ROW.finditer(DOC):
        references = REFERENCE.findall(match.group(4))
        if match.group(3) == "tested" and not references:
            missing.append(f"control {match.group(1)} names no test")
        for file, name in references:
            path = ROOT / file
            if not path.is_file() or name not in _tests_in(path):
                missing.append(f"control {match.group(1)}: {file}::{name}")
    assert not missing, "\n".join(missing)
