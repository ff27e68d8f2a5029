"""The set-up promises: two dependency lists in sync, the README's commands, stripped notebooks."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# conda-forge names differ from PyPI names for a few packages
CONDA_NAMES = {"python-docx": "python-docx", "distributed": "distributed"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower()


def test_pyproject_and_environment_list_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pypi = {_name(r) for r in project["dependencies"] + sum(extras.values(), [])} - {"dvcq"}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(r) for r in dep["pip"] if not r.startswith("-e")}
        else:
            conda.add(_name(dep))
    conda -= {"python", "pip"}
    assert conda | pip == {CONDA_NAMES.get(n, n) for n in pypi}
    assert any(
        str(r).startswith("-e")
        for d in env["dependencies"]
        if isinstance(d, dict)
        for r in d["pip"]
    ), "environment.yml must install the package with pip -e ."


def test_readme_starts_with_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "make report" in head and "make test" in head


def test_ci_runs_make_lint_then_make_test():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make lint" in lines and "make test" in lines
    assert lines.index("make lint") < lines.index("make test")


def test_the_dask_executor_and_jupyterlab_are_extras_that_dev_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    plain = {_name(r) for r in project["dependencies"]}
    extras = project["optional-dependencies"]
    assert {"dask", "distributed"} <= {_name(r) for r in extras["dask"]}
    assert "jupyterlab" in {_name(r) for r in extras["lab"]}
    assert not {"dask", "distributed", "jupyterlab"} & plain
    assert any(r.replace(" ", "") == "dvcq[dask,lab]" for r in extras["dev"])
    assert {"deptry", "import-linter"} <= {_name(r) for r in extras["dev"]}


def test_make_lint_runs_ruff_deptry_and_import_linter():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for tool in ("ruff check", "ruff format --check", "deptry", "lint-imports"):
        assert tool in recipe, tool


def test_notebooks_are_stored_without_outputs():
    for path in (ROOT / "notebooks").glob("**/*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), path


def test_readme_layout_lists_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Cấu trúc (layout)", 1)[1].split("\n## ", 1)[0]
    missing = []
    for path in sorted((ROOT / "dvcq_lib").rglob("*.py")):
        rel = path.relative_to(ROOT / "dvcq_lib").with_suffix("")
        if rel.name == "__init__" and rel.parent != Path("."):
            continue  # a package is listed by its modules
        names = {f"`{rel.as_posix()}`", f"`{rel.name}`"}
        if not any(n in layout for n in names):
            missing.append(rel.as_posix())
    assert not missing, f"README layout misses: {missing}"
