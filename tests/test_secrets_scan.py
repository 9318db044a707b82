"""Known answers for the secrets scan: what it must flag, and what it must not.

Token-shaped test values are assembled at run time, so this file does not itself look
like it holds a secret to a scanner.
"""

import hashlib
import uuid
from pathlib import Path

import pytest

from portfoliokit.secrets_scan import (
    looks_random,
    scan_file,
    scan_text,
    secret_file_kind,
    shannon_entropy,
)

RANDOMISH = "q8Zr" + "T2vLx9Pw" + "K4mNb7Hs" + "Y3cF"  # 24 characters, mixed, random-looking


@pytest.mark.parametrize(
    ("path", "line", "kind"),
    [
        ("key.txt", "-----BEGIN " + "RSA PRIVATE KEY-----", "private key"),
        ("notes.md", "-----BEGIN " + "OPENSSH PRIVATE KEY-----", "private key"),
        (
            "deploy.sh",
            "export AWS_ACCESS_KEY_ID=" + "AKIA" + "Q3EXAMPLE7TESTID",
            "AWS access key id",
        ),
        (
            "settings.py",
            "aws_secret_access_key = '" + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzz12345678'",
            "AWS secret access key",
        ),
        ("ci.sh", "TOKEN=" + "ghp_" + "a1B2c3D4" * 5, "GitHub token"),
        ("ci.sh", "token " + "github_pat_" + "11AB" * 8, "GitHub token"),
        ("bot.py", 'SLACK = "' + "xoxb-" + '123456789012-abcdefABCDEF"', "Slack token"),
        ("maps.js", "key: '" + "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'", "Google API key"),
        (
            "pay.py",
            "stripe.api_key = '" + "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc'",
            "Stripe live key",
        ),
        (
            "llm.py",
            "client = OpenAI(api_key='" + "sk-proj-" + "Ab12Cd34Ef56Gh78Ij90Kl'",
            "API key (sk-...)",
        ),
        (
            "hub.py",
            "login('" + "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789')",
            "Hugging Face token",
        ),
        (
            "db.py",
            "URL = 'postgres://" + "admin:" + "s3cr3tpass@db.example.org/app'",
            "password in a URL",
        ),
    ],
)
def test_known_token_formats_are_flagged_anywhere(path: str, line: str, kind: str) -> None:
    hits = scan_text(path, f"# header\n{line}\n")
    assert [(h.line, h.kind) for h in hits] == [(2, kind)]
    # The report never repeats the secret itself.
    assert len(hits[0].excerpt) <= 9


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".env", ".env file"),
        ("config/.env.production", ".env file"),
        ("keys/id_ed25519", "private key file"),
        ("certs/server.pem", "private key file"),
        ("certs/client.p12", "certificate bundle"),
        ("home/.netrc", "netrc credentials"),
    ],
)
def test_secret_file_names_are_flagged(path: str, kind: str) -> None:
    assert secret_file_kind(path) == kind
    assert [h.kind for h in scan_file(path, b"")] == [kind]


@pytest.mark.parametrize("path", [".env.example", ".env.sample", "docs/env.md", "environment.yml"])
def test_documentation_of_variables_is_not_a_secret_file(path: str) -> None:
    assert secret_file_kind(path) is None


def test_config_assignment_of_a_secret_name_is_flagged() -> None:
    hits = scan_text("config.toml", 'db_password = "hunter2hunter2"\n')
    assert [(h.line, h.kind) for h in hits] == [(1, "value of db_password")]


def test_a_plain_lower_case_word_under_a_secret_name_is_not_a_secret() -> None:
    # nlp-pipeline's normalisation settings: the token that replaces every link.
    assert scan_text("config.toml", 'url_token = "urltoken"\n') == []
    hits = scan_text("config.toml", 'api_token = "urlTok3nvalue"\n')
    assert [(h.line, h.kind) for h in hits] == [(1, "value of api_token")]


def test_high_entropy_string_is_flagged_in_config_files_only() -> None:
    line = f'service_id = "{RANDOMISH}"\n'
    assert [h.kind for h in scan_text("settings.yaml", line)] == ["high-entropy string"]
    assert scan_text("module.py", line) == []


def test_entropy_known_answers() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy("aabb") == pytest.approx(1.0)


@pytest.mark.parametrize(
    "value",
    [
        hashlib.sha256(b"data").hexdigest(),  # the data's and model's recorded digests
        hashlib.sha1(b"commit").hexdigest(),  # git commit ids
        str(uuid.UUID(int=0x1234567890ABCDEF1234567890ABCDEF)),
        "TunedThresholdClassifierCV",  # class names
        "GradientBoostingClassifier_v12_final",
        "Python3_11_Windows_x86_64_build",
        "src/credit_risk_api/api/main.py",
    ],
)
def test_digests_names_and_paths_are_not_random(value: str) -> None:
    assert not looks_random(value)
    assert scan_text("reports/metrics.json", f'{{"value": "{value}"}}\n') == []


@pytest.mark.parametrize(
    "line",
    [
        '    "sha256": "' + hashlib.sha256(b"x").hexdigest() + '"',
        "- **sha256**: `" + hashlib.sha256(b"y").hexdigest() + "`",
        'wheels = [{ hash = "sha256:' + hashlib.sha256(b"z").hexdigest() + '" }]',
        "          token: ${{ secrets.GITHUB_TOKEN }}",
        "          persist-credentials: false",
        'password = "changeme"',
        "api_key: <your-api-key>",
        "SECRET_KEY=${SECRET_KEY}",
        "url = 'https://user:${PASSWORD}@example.org/'",
        "disk-usage-report-for-every-folder = 1",  # `sk-` inside a word
    ],
)
def test_legitimate_config_lines_are_not_flagged(line: str) -> None:
    assert scan_text("config.yml", line + "\n") == []


def test_binary_content_is_not_scanned_as_text() -> None:
    assert scan_file("model.skops", b"\0\1\2" + b"-----BEGIN " + b"PRIVATE KEY-----") == []


def test_bundled_templates_hold_nothing_that_looks_like_a_secret() -> None:
    # The templates as shipped, every file: what `new` renders comes from these.
    root = Path(__file__).resolve().parents[1] / "templates"
    hits = [
        hit
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        for hit in scan_file(path.relative_to(root).as_posix(), path.read_bytes())
    ]
    assert hits == []
