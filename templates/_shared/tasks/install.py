
# Installing: uv when it can be had, at exactly the versions in uv.lock; pip otherwise,
# pinned to the same versions. INSTALLER=pip forces pip; INSTALLER=uv forbids the
# fallback. (Plain Python without Jinja: portfoliokit's scripts/dev.py runs this code too.)
UV_VERSION = "0.13.9"  # the uv fetched into .tools/ when none is on PATH
UV_OLDEST = (0, 13)  # an older uv on PATH may not read this uv.lock: fetch this one instead
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""


def call(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.call(command, cwd=cwd, env=env)


def uv_version(uv: str) -> tuple[int, ...]:
    """(major, minor) of a uv binary, () if it does not answer like uv."""
    try:
        said = subprocess.run([uv, "--version"], capture_output=True, text=True, check=False)
        return tuple(int(part) for part in said.stdout.split()[1].split(".")[:2])
    except (OSError, IndexError, ValueError):
        return ()


def pip_commands() -> list[list[str]]:
    """Ways to run pip, best first: this Python's own; in a venv without pip (one made by
    uv), the base Python's; else the copy bundled for ensurepip, run from its wheel file
    (slow: nothing in a zip file is kept compiled)."""
    if importlib.util.find_spec("pip") is not None:
        return [[sys.executable, "-m", "pip"]]
    found = []
    base = getattr(sys, "_base_executable", sys.executable)
    has_pip = [base, "-c", "import pip"]
    if base != sys.executable and subprocess.call(has_pip, stderr=subprocess.DEVNULL) == 0:
        found.append([base, "-m", "pip"])
    wheels = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    return found + [[sys.executable, str(wheel / "pip")] for wheel in wheels[-1:]]


def find_uv(root: Path) -> str | None:
    """uv from PATH, else the copy in .tools/uv (fetched there with pip); None if neither."""
    on_path = shutil.which("uv")
    if on_path and uv_version(on_path) >= UV_OLDEST:
        return on_path
    tools = root / ".tools" / "uv"
    local = tools / BIN / f"uv{EXE}"
    if local.is_file():
        return str(local)
    print(f"uv {UV_VERSION} is not on PATH: fetching it into .tools/ with pip", flush=True)
    for pip in pip_commands():
        # uv is one binary without dependencies: nothing to resolve, nothing to compile
        # (the two flags take about 2 s off the fetch)
        fetch = [*pip, "install", "--quiet", "--disable-pip-version-check",
                 "--root-user-action=ignore", "--no-deps", "--no-compile", "--upgrade",
                 "--target", str(tools), f"uv=={UV_VERSION}"]  # fmt: skip
        if call(fetch, root) == 0 and local.is_file():
            return str(local)
    return None


def locked_pins(lock: dict[str, Any]) -> list[str]:
    """A pip constraint `name==version` for every package uv.lock pins.

    A package locked at different versions for different Pythons carries the markers
    that say which version is for which Python.
    """
    pins = []
    for package in lock.get("package", []):
        source = package.get("source", {})
        if "editable" in source or "virtual" in source:
            continue  # the project itself
        if "registry" not in source:
            raise ValueError(f"uv.lock takes {package['name']} from {source}, not a registry")
        pin = f"{package['name']}=={package['version']}"
        if markers := package.get("resolution-markers"):
            pin += " ; " + " or ".join(f"({marker})" for marker in markers)
        pins.append(pin)
    return pins


def unlocked(root: Path, extra: str, lock: dict[str, Any]) -> list[str]:
    """Names pyproject.toml asks for (dependencies and `extra`, or several as "dev,als") that
    uv.lock has no entry for: what pip would install unpinned, had a dependency been added
    without `uv lock`."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project.get("dependencies", []) + [
        want
        for name in extra.split(",")
        for want in project.get("optional-dependencies", {}).get(name, [])
    ]
    locked = {package["name"] for package in lock.get("package", [])}
    names = [re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", want)[0]).lower() for want in wanted]
    return [name for name in names if name not in locked]


def uv_sync(uv: str, root: Path, extra: str, relock: str) -> int:
    # uv creates .venv itself; the variable keeps it there whatever the user's settings say.
    env = os.environ | {"UV_PROJECT_ENVIRONMENT": str(root / ".venv")}
    extras = [part for name in extra.split(",") for part in ("--extra", name)]
    command = [uv, "sync", "--locked", *extras, "--python", sys.executable]
    if code := call(command, root, env):
        check = [uv, "lock", "--check", "--python", sys.executable]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if subprocess.call(check, cwd=root, env=env, **quiet) != 0:
            print(f"uv.lock does not match pyproject.toml: run `{relock}`, then commit "
                  "both files.", file=sys.stderr)  # fmt: skip
    return code


def pip_install(root: Path, extra: str, relock: str) -> int:
    if not (root / "uv.lock").is_file():
        print("uv.lock is missing: restore it from git (git checkout uv.lock).", file=sys.stderr)
        return 1
    try:
        lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
        pins, missing = locked_pins(lock), unlocked(root, extra, lock)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        print(f"uv.lock cannot be read for pip ({error}): restore it from git.", file=sys.stderr)
        return 1
    if missing:
        print(f"uv.lock does not match pyproject.toml (no {', '.join(missing)}): run "
              f"`{relock}`, then commit both files.", file=sys.stderr)  # fmt: skip
        return 1
    venv = root / ".venv"
    fresh = [sys.executable, "-m", "venv", "--clear", str(venv)]
    # No .venv yet, or one made by uv (which has no pip): make it afresh.
    if not (venv / BIN / f"pip{EXE}").is_file() and (code := call(fresh, root)):
        return code
    constraints = venv / "uv-lock-constraints.txt"
    constraints.write_text("".join(f"{pin}\n" for pin in pins), encoding="utf-8")
    return call([str(venv / BIN / f"python{EXE}"), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", "-c", str(constraints), "-e", f".[{extra}]"],
                root)  # fmt: skip


def install(root: Path, extra: str, relock: str = "python3 tasks.py lock") -> int:
    """Make root/.venv hold the project with its `extra` (or several: "dev,als"), at the
    versions in uv.lock.

    `relock` is the command to suggest when uv.lock no longer matches pyproject.toml.
    """
    choice = os.environ.get("INSTALLER", "")
    if choice not in ("", "uv", "pip"):
        print(f"INSTALLER={choice} is not a choice: unset it (uv, else pip), or set it to "
              "uv or pip.", file=sys.stderr)  # fmt: skip
        return 2
    uv = None if choice == "pip" else find_uv(root)
    if uv is not None:
        return uv_sync(uv, root, extra, relock)
    if choice == "uv":
        print("INSTALLER=uv, but uv is not on PATH and pip could not fetch it: install uv, "
              "or unset INSTALLER to install with pip.", file=sys.stderr)  # fmt: skip
        return 1
    if choice == "":
        print("uv could not be had: installing with pip, at the versions in uv.lock", flush=True)
    return pip_install(root, extra, relock)


def lock(root: Path, upgrade: bool = False) -> int:
    """Update uv.lock to match pyproject.toml (needs uv; fetches it like install).

    Versions already locked stay where they still satisfy pyproject.toml, unless
    `upgrade` asks for the newest allowed ones.
    """
    uv = find_uv(root)
    if uv is None:
        print("uv is needed to update uv.lock: install uv and run this again.", file=sys.stderr)
        return 1
    return call([uv, "lock", *(["--upgrade"] if upgrade else []), "--python", sys.executable], root)
