"""Six adjustments that make Copier render a fresh project faster, output unchanged.

Copier 9 spends much of a render on work that gives the same result every time:

1. It compiles a Jinja template for every path part and every question value it
   renders, although most are repeats and most path parts are plain file names. Here
   `from_string` compiles each distinct string once per run, and a string with no
   Jinja delimiter and no line break, which renders to itself, gets a template that
   returns it without compiling. The extensions' `preprocess` hook still runs on
   every call, because Copier's `yield` tag keeps per-render state there.
2. It compiles every template file, and those strings, from source on every run.
   Here Jinja's own bytecode cache keeps the compiled code in the user's cache
   folder, checked against a hash of the source, so an edited template is compiled
   again. The cache lives in a sub-folder named after everything that shapes the
   compiled code (Jinja's version, the environment's syntax and options, its
   extensions), so a Copier, Jinja or template-settings upgrade never meets code
   compiled under other rules. A cache that cannot be read or written is skipped,
   never an error.
3. It runs `git config core.fileMode` once for every rendered file, so that an
   existing repository's index learns about mode changes. portfoliokit always renders
   into a fresh staging folder that no index tracks yet, where that sync is a no-op
   by Copier's own definition, so the processes are pure cost.
4. It asks git three times (`rev-parse`, and `init` plus `bundle verify` in a
   temporary folder) whether the template folder is a git repository or bundle.
   A bundle is a file, and a folder without a `.git` entry is no repository's root,
   so for such a folder the answer is given without asking.
5. It renders the answers file's name once for every path part, building the whole
   render context each time. A name with
   no Jinja syntax renders to itself, so it is returned as it is; the extensions'
   `preprocess` hooks still run, as they did when Copier compiled it.
6. It reads `copier.yml` and the question files with PyYAML's pure-Python parser.
   Here it gets PyYAML's libyaml-based `CSafeLoader`,
   which builds the same data with the same safe constructors, where PyYAML has it.

They patch Copier's `Worker` class and `_template` module for the duration of one
render and restore them afterwards. A member that is missing or not of the expected
kind is left alone, and tests/test_copier_tuning.py proves the output byte-identical
to plain `copier copy`.
"""

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import yaml
from jinja2 import Environment, FileSystemBytecodeCache, Template
from jinja2.bccache import Bucket, BytecodeCache

__all__ = [
    "TolerantBytecodeCache",
    "cache_dir",
    "compiled_code_fingerprint",
    "memoise_from_string",
    "tuned_copier",
]


def cache_dir() -> Path:
    """Where portfoliokit keeps compiled templates: `$XDG_CACHE_HOME/portfoliokit/jinja`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "portfoliokit" / "jinja"


class TolerantBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file bytecode cache, treating a cache it cannot use as an empty one."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self._usable = _make_private_dir(directory)

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # Compiling runs the extensions' preprocess hooks, and Copier's `yield` tag
        # resets its state there; code taken from the cache must not skip them.
        environment.preprocess(source, name, filename)
        return super().get_bucket(environment, name, filename, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self._usable:
            return
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry of any kind is a cache miss
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not self._usable:
            return
        try:
            super().dump_bytecode(bucket)
        except OSError:
            self._usable = False


def _make_private_dir(directory: Path) -> bool:
    """Create the cache folder readable by its owner only; False if that fails."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.R_OK | os.W_OK | os.X_OK)


def compiled_code_fingerprint(env: Environment) -> str:
    """A short hash of everything in `env` that shapes the code Jinja compiles."""
    autoescape = env.autoescape
    settings = (
        jinja2.__version__,
        type(env).__qualname__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        getattr(autoescape, "__qualname__", autoescape),
        sorted(f"{type(e).__module__}.{type(e).__qualname__}" for e in env.extensions.values()),
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def memoise_from_string(env: Environment, bytecode_cache: BytecodeCache | None = None) -> None:
    """Make `env.from_string` compile each distinct source string once.

    With `bytecode_cache`, compiled strings are kept there for later runs too.
    """
    compile_string = env.from_string
    compiled: dict[str, Template] = {}

    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return compile_string(source, globals, template_class)
        # Compiling runs the extensions' preprocess hooks; a cached template must too.
        preprocessed = env.preprocess(source)
        template = compiled.get(source)
        if template is None:
            if preprocessed == source and _renders_to_itself(env, source):
                template = _literal_template(env, source)
            elif bytecode_cache is not None:
                template = _cached_string_template(env, source, bytecode_cache)
            else:
                template = compile_string(source)
            compiled[source] = template
        return template

    env.from_string = from_string  # type: ignore[method-assign]


def _cached_string_template(env: Environment, source: str, cache: BytecodeCache) -> Template:
    """What `env.from_string(source)` returns, its code taken from `cache` if there."""
    # Jinja keys a cache entry by template name; a string's name is its own hash.
    name = "from_string:" + hashlib.sha256(source.encode()).hexdigest()
    bucket = cache.get_bucket(env, name, None, source)
    if bucket.code is None:
        bucket.code = env.compile(source)
        cache.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None))


def _renders_to_itself(env: Environment, source: str) -> bool:
    """True if `source` holds no Jinja syntax and no newline for Jinja to normalise."""
    markers = (
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
    )
    return not any(marker and marker in source for marker in markers) and not any(
        char in source for char in "\r\n"
    )


def _literal_template(env: Environment, text: str) -> Template:
    """A Jinja template that renders `text`, built without the compiler."""

    def root(context: Any) -> Iterator[str]:
        yield text

    namespace: dict[str, Any] = {
        "name": None,
        "__file__": None,
        "blocks": {},
        "root": root,
        "debug_info": "",
    }
    return env.template_class.from_module_dict(env, namespace, env.make_globals(None))


@contextmanager
def tuned_copier(template_folder: Path, bytecode_dir: Path | None) -> Iterator[None]:
    """Apply the adjustments in the module docstring while the block runs.

    `template_folder` is the Copier root about to be rendered. `bytecode_dir` None
    renders without the bytecode cache.
    """
    import copier._template
    from copier._main import Worker

    # (owner, member, maker): the maker gets Copier's original member and returns its
    # replacement, or None when the member is not what this module was written for.
    adjustments: list[tuple[type | ModuleType, str, Callable[[Any], Any]]] = [
        (copier._template, "yaml", _yaml_with_libyaml),
        (copier._template, "get_repo", lambda probe: _no_probe_of(template_folder, probe)),
        (Worker, "_sync_git_index_executable_bit", lambda sync: _skip_sync),
        (Worker, "jinja_env", lambda plain_env: _tuned_jinja_env(plain_env, bytecode_dir)),
        (Worker, "answers_relpath", _literal_answers_relpath),
    ]
    with ExitStack() as restore:
        for owner, member, make in adjustments:
            original = vars(owner).get(member)
            replacement = None if original is None else make(original)
            if replacement is not None:
                restore.enter_context(_patched(owner, member, replacement))
        yield


def _yaml_with_libyaml(module: Any) -> ModuleType | None:
    """A copy of the yaml module's namespace whose SafeLoader is libyaml's."""
    if module is not yaml or not hasattr(yaml, "CSafeLoader"):
        return None
    accelerated = ModuleType(yaml.__name__, yaml.__doc__)
    vars(accelerated).update(vars(yaml))
    accelerated.SafeLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
    return accelerated


def _no_probe_of(folder: Path, probe: Any) -> Callable[[str], str | None] | None:
    """Copier's `get_repo`, answering for `folder` without git when it is a plain folder."""
    if not callable(probe) or not folder.is_dir() or (folder / ".git").exists():
        return None
    plain = str(folder)

    def get_repo(url: str) -> str | None:
        return None if url == plain else probe(url)

    return get_repo


def _skip_sync(worker: Any, dst_relpath: Path, src_mode: int) -> None:
    return None


def _tuned_jinja_env(plain_env: Any, bytecode_dir: Path | None) -> cached_property[Any] | None:
    """Copier's `jinja_env`, with strings memoised and the bytecode cache attached."""
    if not isinstance(plain_env, cached_property):
        return None

    def jinja_env(worker: Any) -> Environment:
        env: Environment = plain_env.func(worker)
        if bytecode_dir is not None and env.bytecode_cache is None:
            folder = bytecode_dir / compiled_code_fingerprint(env)
            env.bytecode_cache = TolerantBytecodeCache(folder)
        memoise_from_string(env, env.bytecode_cache)
        return env

    tuned = cached_property(jinja_env)
    # Assigned after the class was made, so Python will not name it; only the name counts.
    tuned.__set_name__(object, plain_env.attrname or "jinja_env")
    return tuned


def _literal_answers_relpath(plain_relpath: Any) -> property | None:
    """Copier's `answers_relpath`, returning a name without Jinja syntax as it is."""
    if not isinstance(plain_relpath, property) or plain_relpath.fget is None:
        return None
    render_relpath = plain_relpath.fget

    def answers_relpath(worker: Any) -> Path:
        name = str(worker.answers_file or worker.template.answers_relpath)
        env: Environment = worker.jinja_env
        if env.preprocess(name) == name and _renders_to_itself(env, name):
            return Path(name)
        return Path(render_relpath(worker))

    return property(answers_relpath)


@contextmanager
def _patched(owner: type | ModuleType, name: str, value: Any) -> Iterator[None]:
    original = vars(owner)[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)
