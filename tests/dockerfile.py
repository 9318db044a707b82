"""A generated Dockerfile read as Docker reads it: its stages and their instructions.

No Docker engine runs here; the tests carry out a stage's instructions themselves
(test_dockerfile_build.py the build stage, test_end_to_end.py the runtime stage's files).
"""

import re
import shutil
from pathlib import Path

Instruction = tuple[str, str]  # ("COPY", "src ./src")


def stages(dockerfile: str) -> list[list[Instruction]]:
    """The instructions of each stage in order, continuation lines joined, comments out;
    each stage starts with its FROM."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    found: list[list[Instruction]] = []
    for line in (line.strip() for line in joined.splitlines()):
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction == "FROM":
            found.append([])
        elif not found:
            continue  # ARG before the first FROM
        found[-1].append((instruction, arguments))
    return found


def copy_into(project: Path, arguments: str, workdir: Path) -> None:
    """A COPY from the build context (the project) into `workdir`, as Docker does it."""
    *sources, target = arguments.split()
    into = workdir / target
    for source in sources:
        if (project / source).is_dir():
            shutil.copytree(project / source, into)
        else:
            into.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / source, into)
