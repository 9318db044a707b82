"""One error tree: every mistake a user can make is one of these, reported in one line."""


class PipelineError(RuntimeError):
    """A stage cannot go on; the message says what is wrong and what to do."""


class ConfigError(PipelineError):
    """`config.toml` is missing a key or holds a value the pipeline cannot use."""


class DataError(PipelineError):
    """The input data cannot be read or does not have what the pipeline needs."""


class StageOrderError(PipelineError):
    """A stage needs the artefact of an earlier stage that has not run yet."""
