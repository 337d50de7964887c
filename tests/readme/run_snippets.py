"""Run the js, python and c code blocks of README.md and check their output.

A comment on a printing line, or a comment line right after it, gives the
expected output of that line:

    print(result.key_id)  # previous
    console.log(value);
    // { valid: true, keyId: 'previous' }

Usage: run_snippets.py README.md --python PY --c-flags "FLAGS" --library-path DIR
Prints one line per block and "N passed, N failed" last; exits 1 on a failure.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

BLOCK = re.compile(r"^```(js|python|c)\n(.*?)^```", re.MULTILINE | re.DOTALL)
PRINTS = ("print(", "console.log(", "printf(")
COMMENT = re.compile(r"(?:#|//|/\*)\s?(.*?)\s*(?:\*/)?$")


def expected_output(language: str, code: str) -> list[str]:
    markers = {"python": "#", "js": "//", "c": "/*"}
    marker = markers[language]
    lines = code.splitlines()
    expected = []
    for index, line in enumerate(lines):
        if not line.lstrip().startswith(PRINTS):
            continue
        position = line.find(marker, line.rfind(")"))
        if position >= 0:
            expected.append(COMMENT.match(line[position:]).group(1))
            continue
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if following.startswith(marker):
            expected.append(COMMENT.match(following).group(1))
    return expected


def run_block(language: str, code: str, options, workdir: Path) -> str:
    environment = dict(os.environ)
    if language == "js":
        environment["NODE_PATH"] = str(options.node_path)
        command = ["node", "-e", code]
    elif language == "python":
        command = [options.python, "-c", code]
    else:
        source = workdir / "snippet.c"
        binary = workdir / "snippet"
        source.write_text(code)
        compile_command = ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", str(source)]
        compile_command += shlex.split(options.c_flags) + ["-o", str(binary)]
        subprocess.run(compile_command, check=True)
        environment["LD_LIBRARY_PATH"] = options.library_path
        command = [str(binary)]
    result = subprocess.run(
        command,
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readme", type=Path)
    parser.add_argument("--python", required=True, help="interpreter with the package")
    parser.add_argument(
        "--node-path",
        required=True,
        type=Path,
        help="folder that contains the pexelize-identity package",
    )
    parser.add_argument("--c-flags", required=True, help="compiler and linker flags")
    parser.add_argument("--library-path", required=True, help="LD_LIBRARY_PATH for C")
    options = parser.parse_args()

    blocks = BLOCK.findall(options.readme.read_text())
    passed = failed = 0
    with tempfile.TemporaryDirectory() as workdir:
        for number, (language, code) in enumerate(blocks, start=1):
            name = f"{options.readme.name} block {number} ({language})"
            expected = expected_output(language, code)
            try:
                output = run_block(language, code, options, Path(workdir))
            except (RuntimeError, subprocess.SubprocessError) as error:
                print(f"FAIL {name}: {error}")
                failed += 1
                continue
            if output.splitlines() != expected:
                print(
                    f"FAIL {name}: printed {output.splitlines()!r}, expected {expected!r}"
                )
                failed += 1
            else:
                print(f"ok   {name}: {len(expected)} lines of output as documented")
                passed += 1
    if not blocks:
        print(f"FAIL {options.readme}: no js, python or c block found")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
