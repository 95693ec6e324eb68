"""The layer rules of docs/ARCHITECTURE.md as functions over a source tree.

Each rule takes the root of a package laid out like ``turkicnet/`` and returns the
violations it finds, as readable strings. ``tests/test_architecture.py`` applies them to
the real package and feeds each one a throwaway package that breaks it, to prove it bites.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

#: The packages, ground floor first; a package imports only packages of a lower rank
#: (and its own). site, admin and demo share a rank: none of them imports another.
RANKS = {
    "core": 0,
    "auth": 1,
    "centers": 2,
    "protocol": 3,
    "reports": 4,
    "api": 5,
    "site": 5,
    "admin": 5,
    "demo": 5,
}
#: Modules everyone may import: settings and unbound extensions.
GROUND = {"config", "extensions"}
#: The composition root: wires every feature, so it may import any of them.
ROOT = {"__init__", "models"}
#: The features with the fixed rooms of CONVENTIONS.md.
FEATURES_WITH_ROOMS = ("auth", "centers", "protocol", "reports")
ROOMS = ("models", "forms", "services", "permissions", "views")
#: Names a view may assign attributes on: forms and their fields, the response, Flask's session and g.
VIEW_ASSIGNABLE = {"form", "response", "session", "g", "field"}


@dataclass
class Module:
    name: str  # dotted, relative to the package: "centers.services.staff"
    path: Path
    tree: ast.Module
    package: str = field(init=False)  # "centers", or "" for a module at the top
    room: str = field(init=False)  # "services", "views", "labels"…, or the module's own name

    def __post_init__(self):
        parts = self.name.split(".")
        if len(parts) == 1:
            self.package, self.room = "", parts[0]
        else:
            self.package, self.room = parts[0], parts[1]

    @property
    def is_view(self) -> bool:
        return self.room == "views" or self.package == "api"


def load(root: Path) -> list[Module]:
    """Every module under ``root`` (migrations aside), parsed."""
    modules = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "migrations":
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        modules.append(Module(".".join(parts), path, ast.parse(path.read_text(), str(path))))
    return modules


def _importer_package(module: Module) -> list[str]:
    """The dotted package a relative import in ``module`` starts from."""
    parts = module.name.split(".")
    return parts if module.path.name == "__init__.py" else parts[:-1]


def imports(module: Module, known: set[str]) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``module``, lazy ones included, resolved to
    the package's own modules (``known``) where the target is one of them."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _importer_package(module)[: len(_importer_package(module)) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("turkicnet"):
                target = node.module.removeprefix("turkicnet").lstrip(".")
            else:
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}" if target else alias.name
                found.append((node.lineno, candidate if candidate in known else target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("turkicnet."):
                    found.append((node.lineno, alias.name.removeprefix("turkicnet.")))
    return [(line, target) for line, target in found if target]


def _where(module: Module, line: int) -> str:
    return f"{module.name.replace('.', '/')}.py:{line}"


def _graph(root: Path):
    modules = load(root)
    known = {m.name for m in modules}
    by_name = {m.name: m for m in modules}
    for module in modules:
        for line, target in imports(module, known):
            yield module, line, target, by_name.get(target)


def import_direction(root: Path) -> list[str]:
    """Each package imports only itself, lower packages, and the ground modules."""
    problems = []
    for module, line, target, _imported in _graph(root):
        top = target.split(".")[0]
        if module.package == "" and module.room in ROOT:
            continue
        if top in GROUND or top == module.package:
            continue
        if module.package == "" or top not in RANKS:
            if top in ROOT and module.package:
                problems.append(f"{_where(module, line)}: imports the composition root {target}")
            continue
        if module.package not in RANKS:
            problems.append(
                f"{_where(module, line)}: package {module.package} has no place in the layer order"
            )
        elif RANKS[top] >= RANKS[module.package]:
            problems.append(f"{_where(module, line)}: {module.package} imports {target} (not below it)")
    return problems


def core_imports_no_feature(root: Path) -> list[str]:
    """Core is the ground floor: no import of any feature, not even inside a function."""
    return [
        f"{_where(module, line)}: core imports {target}"
        for module, line, target, _imported in _graph(root)
        if module.package == "core" and target.split(".")[0] in RANKS and target.split(".")[0] != "core"
    ]


def permissions_are_pure(root: Path) -> list[str]:
    """Permission modules import no services, views or forms, and not the database."""
    problems = []
    for module, line, target, imported in _graph(root):
        if module.room != "permissions" or module.package == "core":
            continue
        room = imported.room if imported else target.split(".")[-1]
        if room in ("services", "views", "forms") or target.split(".")[-1] in ("services", "views"):
            problems.append(f"{_where(module, line)}: a permission module imports {target}")
    for module in load(root):
        if module.room == "permissions":
            problems += [
                f"{_where(module, n)}: a permission module uses the database" for n in _db_uses(module)
            ]
    return problems


def models_hold_data_only(root: Path) -> list[str]:
    """Models import no services, permissions, views or forms; they never read the request,
    build URLs or commit."""
    problems = []
    for module, line, target, imported in _graph(root):
        if module.room != "models":
            continue
        room = imported.room if imported else ""
        if room in ("services", "permissions", "views", "forms"):
            problems.append(f"{_where(module, line)}: a model module imports {target}")
    for module in load(root):
        if module.room != "models":
            continue
        for node in ast.walk(module.tree):
            name = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else ""
            )
            if name in ("current_user", "url_for", "request", "commit"):
                problems.append(f"{_where(module, node.lineno)}: a model uses {name}")
    return problems


def _db_uses(module: Module) -> list[int]:
    """Lines where a module imports ``db``, SQLAlchemy's select, or touches a session or query."""
    lines = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if "db" in names and (node.module or "").endswith("extensions"):
                lines.append(node.lineno)
        if isinstance(node, ast.Attribute) and node.attr in (
            "session",
            "query",
            "execute",
            "scalars",
            "scalar",
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.Call):
            function = node.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            if name in ("getattr",) and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                if node.args[1].value in ("session", "query", "execute"):
                    lines.append(node.lineno)
    return lines


def views_stay_thin(root: Path) -> list[str]:
    """Views never reach the database (no ``db``, no SQLAlchemy, no session or query, even
    through an alias or ``getattr``) and change no object but forms and the response."""
    problems = []
    for module in load(root):
        if not module.is_view:
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                if any(name.split(".")[0] == "sqlalchemy" for name in names):
                    problems.append(f"{_where(module, node.lineno)}: a view imports SQLAlchemy")
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and _root_name(target) not in VIEW_ASSIGNABLE:
                        if not _root_name(target).endswith("_form"):
                            problems.append(
                                f"{_where(module, node.lineno)}: a view sets {ast.unparse(target)}"
                            )
        problems += [f"{_where(module, n)}: a view reaches the database" for n in _db_uses(module)]
    return problems


def _root_name(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def only_the_unit_of_work_commits(root: Path) -> list[str]:
    """No ``commit()`` or ``rollback()`` anywhere but in core/db.py: a service's change lands
    through the unit of work, and helpers raise instead of rolling back."""
    problems = []
    for module in load(root):
        if module.name == "core.db":
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                function = node.func
                name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
                if name in ("commit", "rollback"):
                    problems.append(f"{_where(module, node.lineno)}: calls {name}()")
    return problems


def _is_unit_of_work(item: ast.withitem) -> tuple[bool, bool]:
    """(is a unit_of_work scope, says why it is unchecked)."""
    call = item.context_expr
    if not isinstance(call, ast.Call):
        return False, False
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name != "unit_of_work":
        return False, False
    return True, any(keyword.arg == "unchecked" for keyword in call.keywords)


def services_take_the_actor_and_say_what_they_do(root: Path) -> list[str]:
    """A public service that changes state (it opens a unit of work) takes ``actor`` first,
    unless its scope is marked ``unchecked``, and says what it does; so does every ``can_*``
    predicate; every public ``actor`` is annotated in services and permissions."""
    problems = []
    for module in load(root):
        if module.room not in ("services", "permissions") or module.package in ("", "core"):
            continue
        for node in module.tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            where = f"{_where(module, node.lineno)}: {node.name}"
            args = node.args.args
            if args and args[0].arg == "actor" and args[0].annotation is None:
                problems.append(f"{where}: actor is not annotated")
            scopes = [
                _is_unit_of_work(item)
                for child in ast.walk(node)
                if isinstance(child, ast.With)
                for item in child.items
            ]
            writes = [unchecked for is_scope, unchecked in scopes if is_scope]
            if (writes or node.name.startswith("can_")) and ast.get_docstring(node) is None:
                problems.append(f"{where} has no docstring")
            if writes and not all(writes) and (not args or args[0].arg != "actor"):
                problems.append(f"{where} changes state without taking the actor first")
    return problems


def features_have_their_rooms(root: Path) -> list[str]:
    """Every feature has models, forms, services, permissions and views (a module or a package)."""
    problems = []
    for feature in FEATURES_WITH_ROOMS:
        folder = root / feature
        if not folder.is_dir():
            continue
        for room in ROOMS:
            if not (folder / f"{room}.py").exists() and not (folder / room / "__init__.py").exists():
                problems.append(f"{feature} has no {room}")
    return problems


def modules_stay_small(root: Path, limit: int = 400) -> list[str]:
    """No module past ``limit`` lines (migrations aside)."""
    return [
        f"{module.name.replace('.', '/')}.py has {count} lines"
        for module in load(root)
        if (count := len(module.path.read_text().splitlines())) > limit
    ]


def templates_stay_presentation(templates: Path) -> list[str]:
    """Templates never reach the database: no ``db.``, ``.query`` or ``select(``."""
    problems = []
    for path in sorted(templates.rglob("*.html")) + sorted(templates.rglob("*.txt")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "db." in line or ".query" in line or "select(" in line or ".session" in line:
                problems.append(f"{path.relative_to(templates)}:{number}: {line.strip()}")
    return problems


RULES = (
    import_direction,
    core_imports_no_feature,
    permissions_are_pure,
    models_hold_data_only,
    views_stay_thin,
    only_the_unit_of_work_commits,
    services_take_the_actor_and_say_what_they_do,
    features_have_their_rooms,
    modules_stay_small,
)
