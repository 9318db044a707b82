"""Likely secrets in a file: by its name, by known token formats, by entropy.

Pure functions of a path and its content, so `check` (tracked files) and `publish`
(every blob in the history being pushed) share one definition of "likely secret". A hit
never carries the secret itself, only its kind and a redacted excerpt.

What is deliberately not flagged: hexadecimal digests and UUIDs (a project records the
sha256 of its data and model), placeholders such as `${{ secrets.TOKEN }}`, `<your-key>`
or `changeme`, and high-entropy strings outside configuration files (code and data hold
many). A file larger than `SCAN_LIMIT` is scanned over its first `SCAN_LIMIT` bytes.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = [
    "SCAN_LIMIT",
    "SecretHit",
    "is_config_file",
    "looks_random",
    "scan_file",
    "scan_text",
    "secret_file_kind",
    "shannon_entropy",
]

SCAN_LIMIT = 5 * 1024 * 1024

# Known token formats: (kind, pattern). Each is specific enough to flag anywhere.
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_?secret_?access_?key[\"']?\s*[=:]\s*[\"']?[A-Za-z0-9/+]{40}\b"),
    ),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255})")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("Stripe live key", re.compile(r"\b[rs]k_live_[0-9A-Za-z]{20,}")),
    ("API key (sk-...)", re.compile(r"\bsk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}")),
    ("PyPI token", re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("Azure storage key", re.compile(r"AccountKey=[A-Za-z0-9+/=]{40,}")),
    (
        "JSON web token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ),
    (
        "password in a URL",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"']+:(?![$<{%])[^/\s:@\"']{3,}@[\w.-]+"),
    ),
)

# `name = value` where the name says secret, in configuration files.
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(?P<name>[\w.-]*(?:secret|token|passw(?:or)?d|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|credential)s?)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\s\"',;#]{8,})"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:[$<{%(]|.*(?:changeme|change-me|example|placeholder|your[_-]|xxxx|\*\*\*|dummy"
    r"|redacted|secrets\.|env\.|true$|false$|none$|null$))"
)
# One lower-case word (e.g. `url_token = "urltoken"`, a text pipeline's replacement
# token) names something; a secret has digits, capitals or symbols.
_PLAIN_WORD = re.compile(r"[a-z]+")
_CANDIDATE = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_HEX = re.compile(r"[0-9a-fA-F-]+")

_SECRET_FILE_NAMES = {
    ".env": ".env file",
    ".netrc": "netrc credentials",
    ".pypirc": "PyPI credentials",
    ".npmrc": "npm credentials",
    "credentials": "credentials file",
    "credentials.json": "credentials file",
    "id_rsa": "private key file",
    "id_dsa": "private key file",
    "id_ecdsa": "private key file",
    "id_ed25519": "private key file",
}
_SECRET_SUFFIXES = {
    ".pem": "private key file",
    ".key": "private key file",
    ".p12": "certificate bundle",
    ".pfx": "certificate bundle",
    ".keystore": "key store",
    ".jks": "key store",
}
# `.env.example` and the like are documentation of the variables, not secrets.
_ENV_TEMPLATES = {".example", ".sample", ".template", ".dist", ".defaults"}
_CONFIG_SUFFIXES = {
    ".toml",
    ".yaml",
    ".yml",
    ".json",
    ".ini",
    ".cfg",
    ".conf",
    ".properties",
    ".tfvars",
}


@dataclass(frozen=True)
class SecretHit:
    """A likely secret: where (line is None for the file as a whole), what kind, a hint."""

    path: str
    line: int | None
    kind: str
    excerpt: str


def secret_file_kind(path: str) -> str | None:
    """What kind of secret a file of this name usually holds, or None."""
    name = PurePosixPath(path).name
    if name.startswith(".env"):
        rest = name[len(".env") :]
        if rest == "" or (rest.startswith(".") and rest not in _ENV_TEMPLATES):
            return ".env file"
        return None
    if name in _SECRET_FILE_NAMES:
        return _SECRET_FILE_NAMES[name]
    return _SECRET_SUFFIXES.get(PurePosixPath(name).suffix.lower())


def is_config_file(path: str) -> bool:
    """Configuration files are where a high-entropy string is likely to be a secret."""
    name = PurePosixPath(path).name
    return PurePosixPath(name).suffix.lower() in _CONFIG_SUFFIXES or name.startswith(".env")


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` (0 for an empty string)."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_random(token: str) -> bool:
    """A token that is likely a key or password rather than a word, name or digest.

    Digests and UUIDs (hexadecimal) are excluded; what is left must mix upper case,
    lower case and digits and come close to the entropy of random characters.
    """
    if len(token) < 20 or _HEX.fullmatch(token):
        return False
    letters = [c for c in token if c.isalpha()]
    upper_share = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    # Random characters are about half upper case; names (CamelCase, snake_case,
    # Windows_x86_64) have far fewer capitals or none.
    if not 0.2 <= upper_share <= 0.8 or sum(c.isdigit() for c in token) < 2:
        return False
    return shannon_entropy(token) >= min(4.3, 0.8 * math.log2(len(token)))


def scan_text(path: str, text: str) -> list[SecretHit]:
    """Every likely secret in the text of the file at `path` (relative, POSIX)."""
    hits: list[SecretHit] = []
    config = is_config_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        found_on_line = False
        for kind, pattern in _TOKENS:
            match = pattern.search(line)
            if match is not None:
                hits.append(SecretHit(path, number, kind, _redact(match.group())))
                found_on_line = True
                break
        if found_on_line or not config:
            continue
        assignment = _SECRET_ASSIGNMENT.search(line)
        if (
            assignment is not None
            and not _PLACEHOLDER.match(assignment["value"])
            and not _PLAIN_WORD.fullmatch(assignment["value"])
        ):
            hits.append(
                SecretHit(path, number, f"value of {assignment['name']}", _redact(assignment[0]))
            )
            continue
        for token in _CANDIDATE.findall(line):
            if looks_random(token):
                hits.append(SecretHit(path, number, "high-entropy string", _redact(token)))
                break
    return hits


def scan_file(path: str, content: bytes) -> list[SecretHit]:
    """Likely secrets in a file, by name and by content; binary content is not read."""
    hits = []
    kind = secret_file_kind(path)
    if kind is not None:
        hits.append(SecretHit(path, None, kind, PurePosixPath(path).name))
    head = content[:SCAN_LIMIT]
    if b"\0" not in head[:8192]:
        hits.extend(scan_text(path, head.decode("utf-8", errors="replace")))
    return hits


def _redact(secret: str) -> str:
    """Enough to find it again, never enough to use it."""
    return f"{secret[:6]}..." if len(secret) > 8 else "..."
