"""The installed package: it is the built wheel, its type stub matches the
native module, mypy accepts typed usage, and the wheel installs elsewhere."""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pexelize_identity
import pytest
from pexelize_identity import _native

PACKAGE_DIR = Path(pexelize_identity.__file__).resolve().parent
STUB = PACKAGE_DIR / "_native.pyi"
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]


def test_imported_from_installed_wheel():
    assert "site-packages" in PACKAGE_DIR.parts
    assert (PACKAGE_DIR / "py.typed").is_file()
    assert STUB.is_file()
    assert Path(_native.__file__).name.endswith(".abi3.so")


def stub_definitions() -> dict[str, ast.AST]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    definitions: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            definitions[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            definitions[node.target.id] = node
    return definitions


def stub_parameters(function: ast.FunctionDef) -> list[tuple[str, str, bool]]:
    arguments = function.args
    result = []
    positional = arguments.posonlyargs + arguments.args
    first_default = len(positional) - len(arguments.defaults)
    for index, argument in enumerate(positional):
        result.append((argument.arg, "POSITIONAL_OR_KEYWORD", index >= first_default))
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        result.append((argument.arg, "KEYWORD_ONLY", default is not None))
    return [entry for entry in result if entry[0] != "self"]


def runtime_parameters(function) -> list[tuple[str, str, bool]]:
    signature = inspect.signature(function)
    return [
        (name, parameter.kind.name, parameter.default is not inspect.Parameter.empty)
        for name, parameter in signature.parameters.items()
        if name != "self"
    ]


# Helper names of the stub that exist only for type checkers.
STUB_ONLY = {"UserId", "Secret", "KeyLike", "KeyringStats"}


def test_stub_names_match_module():
    runtime = {name for name in dir(_native) if not name.startswith("_")}
    runtime.add("__version__")
    assert set(stub_definitions()) - STUB_ONLY == runtime


def test_stub_signatures_match_module():
    definitions = stub_definitions()
    for name, node in definitions.items():
        if name in STUB_ONLY:
            continue
        runtime = getattr(_native, name)
        if isinstance(node, ast.FunctionDef):
            assert stub_parameters(node) == runtime_parameters(runtime), name
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if not isinstance(member, ast.FunctionDef):
                    continue
                is_property = any(
                    isinstance(decorator, ast.Name) and decorator.id == "property"
                    for decorator in member.decorator_list
                )
                attribute = getattr(runtime, member.name)
                if is_property or member.name == "__bool__":
                    assert attribute is not None, f"{name}.{member.name}"
                    continue
                target = runtime if member.name == "__init__" else attribute
                assert stub_parameters(member) == runtime_parameters(target), (
                    f"{name}.{member.name}"
                )


def test_mypy_accepts_typed_usage():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(HERE / "typed_usage.py"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_wrong_types(tmp_path):
    source = tmp_path / "wrong.py"
    source.write_text(
        "from pexelize_identity import Keyring\n"
        "Keyring('key').sign(1.5)\n"
        "valid: int = Keyring('key').verify('a', 'b').message\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(source)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout
    assert "wrong.py:2" in result.stdout
    assert "wrong.py:3" in result.stdout


def built_wheel() -> Path:
    wheel_dir = os.environ.get("PEXELIZE_WHEEL_DIR")
    if not wheel_dir:
        pytest.fail(
            "PEXELIZE_WHEEL_DIR is not set; run the tests with make test-python"
        )
    wheels = sorted(Path(wheel_dir).glob("pexelize_identity-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_is_abi3():
    assert "-cp39-abi3-" in built_wheel().name


def test_wheel_installs_into_fresh_environment(tmp_path):
    wheel = built_wheel()
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", str(wheel)],
        check=True,
    )
    script = (
        "import hashlib, hmac, pexelize_identity as p\n"
        "k = p.Keyring('fresh-key')\n"
        "s = k.sign('user_1')\n"
        "assert s == hmac.new(b'fresh-key', b'user_1', hashlib.sha256).hexdigest()\n"
        "assert k.assert_valid('user_1', s) == 'current'\n"
        "print(p.__file__)\n"
    )
    result = subprocess.run(
        [str(python), "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert str(environment) in result.stdout


# Run inside the fresh environment of each other CPython found: the shared
# signature vectors, lone surrogates, and a verify of each outcome.
OTHER_PYTHON_CHECK = """
import json, sys
from datetime import datetime, timezone
import pexelize_identity as p

vectors = json.load(open(sys.argv[1], encoding="utf-8"))
keys = {name: bytes.fromhex(value) for name, value in vectors["keys"].items()}
for case in vectors["signatures"]:
    raw = bytes.fromhex(case["userIdHex"])
    user_id = case.get("userId", raw)
    assert p.Keyring(keys[case["key"]]).sign(user_id) == case["signature"], case
for units in vectors["loneSurrogatesUtf16"]:
    text = "".join(map(chr, units))
    try:
        p.Keyring("k").sign(text)
    except ValueError:
        pass
    else:
        raise AssertionError(units)
    assert p.Keyring("k").verify(text, "0" * 64).code == "IDENTITY_VERIFICATION_FAILED"
until = datetime(2026, 6, 1, tzinfo=timezone.utc)
keyring = p.Keyring("new", previous=[p.SecurityKey("old", accept_until=until)])
old = p.generate_identity_signature("u", "old")
assert keyring.verify("u", old, now=datetime(2026, 5, 1, tzinfo=timezone.utc)).key_id == "previous"
assert keyring.verify("u", old, now=until).code == "IDENTITY_SIGNATURE_EXPIRED"
assert keyring.verify(None, old).code == "IDENTITY_MISSING"
print(sys.version_info[:2])
"""


def other_pythons() -> list[str]:
    """Return one interpreter of each other CPython 3.9-3.13 found on PATH or
    in a pyenv installation."""
    pyenv_versions = (
        Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    )
    found = []
    for minor in (9, 10, 11, 12, 13):
        if minor == sys.version_info[1]:
            continue
        candidates = [shutil.which(f"python3.{minor}")]
        candidates += sorted(
            str(path) for path in pyenv_versions.glob(f"3.{minor}.*/bin/python3")
        )
        for candidate in candidates:
            if candidate is None:
                continue
            # A pyenv shim exists for every installed version but runs only
            # the ones made available, so each candidate is probed.
            probe = subprocess.run(
                [candidate, "-c", "pass"], capture_output=True, check=False
            )
            if probe.returncode == 0:
                found.append(candidate)
                break
    return found


@pytest.mark.parametrize("python", other_pythons() or [None])
def test_wheel_on_other_python_versions(python, tmp_path):
    if python is None:
        pytest.skip("no other CPython 3.9-3.13 interpreter on PATH")
    environment = tmp_path / "env"
    subprocess.run([python, "-m", "venv", str(environment)], check=True)
    environment_python = environment / "bin" / "python"
    subprocess.run(
        [
            str(environment_python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            str(built_wheel()),
        ],
        check=True,
    )
    identity_json = HERE.parents[2] / "tests" / "vectors" / "identity.json"
    result = subprocess.run(
        [str(environment_python), "-c", OTHER_PYTHON_CHECK, str(identity_json)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr


EXAMPLES = ["flask", "fastapi"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_requirements_install_from_repository(example):
    # The package is not on any index, so a bare name there would install
    # whatever someone else published under it.
    example_dir = REPO_ROOT / "examples" / example
    lines = (example_dir / "requirements.txt").read_text(encoding="utf-8")
    requirements = [
        line.strip()
        for line in lines.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(line.startswith("pexelize") for line in requirements)
    local = [line for line in requirements if line.startswith(".")]
    assert len(local) == 1
    # pip resolves the path from the directory the README runs it in.
    assert (example_dir / local[0]).resolve() == REPO_ROOT / "bindings" / "python"


@pytest.mark.parametrize(
    "readme",
    [
        "bindings/python/README.md",
        "examples/flask/README.md",
        "examples/fastapi/README.md",
    ],
)
def test_readme_installs_from_repository(readme):
    text = (REPO_ROOT / readme).read_text(encoding="utf-8")
    assert "pip install pexelize-identity" not in text
    assert "pip install ./bindings/python" in text or "pip install -r " in text
