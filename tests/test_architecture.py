"""The layer rules of docs/ARCHITECTURE.md, held against the real package, and proved to
bite on throwaway packages that break each of them."""

import textwrap
from pathlib import Path

import pytest

from tests import architecture as rules

PACKAGE = Path(__file__).resolve().parent.parent / "turkicnet"
TEMPLATES = PACKAGE.parent / "templates"


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.__name__)
def test_the_package_keeps_the_rule(rule):
    assert rule(PACKAGE) == []


def test_templates_never_reach_the_database():
    assert rules.templates_stay_presentation(TEMPLATES) == []


def test_the_rules_see_every_layer_of_the_package():
    names = {module.name for module in rules.load(PACKAGE)}
    assert {"core.db", "site.views", "protocol.standing", "models"} <= names
    assert any(module.is_view for module in rules.load(PACKAGE))
    assert any(module.room == "permissions" for module in rules.load(PACKAGE))


# ---------------------------------------------------------------- each rule bites


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throwaway package: the files given, plus an ``__init__.py`` in every folder."""
    root = tmp_path / "pkg"
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return root


def test_a_lower_feature_importing_a_higher_one_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "centers/services.py": "def standing():\n    from ..protocol import services\n",
            "protocol/services.py": "",
        },
    )
    [problem] = rules.import_direction(root)
    assert "centers imports protocol.services" in problem


def test_an_import_only_for_annotations_still_counts(tmp_path):
    root = _package(
        tmp_path,
        {
            "core/models.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..auth.models import User\n"
            ),
            "auth/models.py": "",
        },
    )
    assert rules.core_imports_no_feature(root) != []


def test_importing_the_composition_root_from_a_feature_is_caught(tmp_path):
    root = _package(tmp_path, {"reports/views.py": "from .. import models\n", "models.py": ""})
    assert any("composition root" in p for p in rules.import_direction(root))


def test_screens_of_the_same_rank_may_not_import_each_other(tmp_path):
    root = _package(tmp_path, {"admin/views.py": "from ..site import views\n", "site/views.py": ""})
    assert rules.import_direction(root) != []


def test_core_importing_a_feature_even_lazily_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "core/setup.py": "def wire(app):\n    from turkicnet.auth.services import load\n",
            "auth/services.py": "",
        },
    )
    [problem] = rules.core_imports_no_feature(root)
    assert "core imports auth.services" in problem


def test_a_permission_that_imports_a_service_or_the_database_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "reports/permissions.py": "from ..centers.services import center_standing\n",
            "protocol/permissions.py": (
                "from ..extensions import db\n\ndef can(a):\n    return db.session.get(1)\n"
            ),
            "centers/services.py": "",
            "extensions.py": "db = None\n",
        },
    )
    problems = rules.permissions_are_pure(root)
    assert any("imports centers.services" in p for p in problems)
    assert any("protocol/permissions.py" in p and "database" in p for p in problems)


def test_a_model_that_commits_or_imports_a_service_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "centers/models.py": "from .services import x\n\ndef save(db):\n    db.session.commit()\n",
            "centers/services.py": "x = 1\n",
        },
    )
    problems = rules.models_hold_data_only(root)
    assert any("imports centers.services" in p for p in problems)
    assert any("uses commit" in p for p in problems)


def test_a_view_that_writes_through_aliases_is_caught(tmp_path):
    """The review's proof that the old test could be fooled, fed to the new one."""
    root = _package(
        tmp_path,
        {
            "centers/views.py": """
                from sqlalchemy import select as _q
                from ..extensions import db as _d

                def approve(center):
                    center.status = "approved"
                    _d.paginate(_q(center))
                    getattr(_d, "session").commit()
            """,
            "extensions.py": "db = None\n",
        },
    )
    problems = rules.views_stay_thin(root)
    assert any("imports SQLAlchemy" in p for p in problems)
    assert any("sets center.status" in p for p in problems)
    assert any("reaches the database" in p for p in problems)


def test_a_view_may_fill_its_forms(tmp_path):
    root = _package(
        tmp_path,
        {
            "site/views.py": (
                "def page(form, leave_form):\n    form.x.choices = []\n    leave_form.y.data = 1\n"
            )
        },
    )
    assert rules.views_stay_thin(root) == []


def test_a_commit_or_rollback_outside_the_unit_of_work_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "reports/services.py": "def _undo(db):\n    db.session.rollback()\n",
            "core/mail.py": "def send(db):\n    db.session.commit()\n",
            "core/db.py": "def unit(session):\n    session.commit()\n",
        },
    )
    problems = rules.only_the_unit_of_work_commits(root)
    assert len(problems) == 2 and not any("core/db.py" in p for p in problems)


def test_a_writer_without_actor_docstring_or_annotation_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "reports/services/editing.py": """
                def publish_everything(report):
                    with unit_of_work():
                        report.visibility = "public"

                def share(actor, report):
                    '''Share it.'''
                    with unit_of_work():
                        require(True)

                def register(email):
                    '''Anyone may register.'''
                    with unit_of_work(unchecked="registration is open to anyone"):
                        pass
            """,
        },
    )
    problems = rules.services_take_the_actor_and_say_what_they_do(root)
    assert any("publish_everything has no docstring" in p for p in problems)
    assert any("publish_everything changes state without taking the actor first" in p for p in problems)
    assert any("share: actor is not annotated" in p for p in problems)
    assert not any("register" in p for p in problems)


def test_a_feature_missing_a_room_is_caught(tmp_path):
    root = _package(
        tmp_path, {"reports/models.py": "", "reports/views/public.py": "", "reports/services.py": ""}
    )
    assert set(rules.features_have_their_rooms(root)) == {
        "reports has no forms",
        "reports has no permissions",
    }


def test_a_module_past_four_hundred_lines_is_caught(tmp_path):
    root = _package(tmp_path, {"centers/services.py": "x = 1\n" * 401})
    assert rules.modules_stay_small(root) == ["centers/services.py has 401 lines"]


def test_a_template_that_queries_is_caught(tmp_path):
    (tmp_path / "page.html").write_text("{{ db.session.query(User).count() }}\n")
    assert rules.templates_stay_presentation(tmp_path) != []
