"""The root of the family's error tree: a mistake the user can fix.

Every error a user can cause (a bad `config.toml`, a missing or malformed data file, an
altered model artefact, a result block missing from a doc) is a `ProjectError`, whose
message says in one line what is wrong and what to do. The command line translates it
once (`core.cli.run`): the line on stderr, exit status 1, no traceback.
"""


class ProjectError(Exception):
    """A user's mistake; the message says what is wrong and what to do."""
