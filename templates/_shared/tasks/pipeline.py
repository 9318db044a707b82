# Pipeline verbs: each stage is `python -m <package> <stage>`, reading config.toml;
# `all` runs them in order in one process.
for stage, purpose in {
    "data": "Validate the configured data and fix the held-out test split",
    "train": "Compare models, tune the decision, save the model artefact (models/)",
    "evaluate": "Score the held-out test set into reports/metrics.json and figures",
    "report": "Write reports/evaluation.md and the results blocks in README and docs",
    "all": "The whole pipeline on the configured data, offline: data, train, evaluate, report",
}.items():
    VERBS[stage] = (purpose, [[PY, "-m", PKG, stage]])
