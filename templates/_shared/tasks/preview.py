VERBS["all"] = (
    "Run the whole pipeline (preview: the tests exercise the code that exists so far)",
    [[PY, "-m", "pytest", "-q"]],
)
