"""Rewrite the expected file lists from a fresh render of each template.

Run after a deliberate change to a template: `python tests/expected_files/update.py`,
then review the diff of tests/expected_files/ before committing it.
"""

import os
import tempfile
from pathlib import Path

from portfoliokit.catalogue import list_templates
from portfoliokit.project import NewProjectRequest, new_project


def main() -> None:
    here = Path(__file__).parent
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("GIT_AUTHOR_NAME", "Expected Files")
        for info in list_templates():
            request = NewProjectRequest(
                template_id=info.id,
                destination=Path(scratch) / info.id,
                answers={"author_name": "Expected Files", "author_email": "x@example.org"},
                defaults=True,
                git=False,
            )
            result = new_project(request)
            (here / f"{info.id}.txt").write_text("\n".join(result.files) + "\n")
            print(f"{info.id}: {len(result.files)} files")


if __name__ == "__main__":
    main()
