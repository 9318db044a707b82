
# The service and its benchmark.
OPTIONS.update(HOST="127.0.0.1", PORT="8000")
APP = f"{PKG}.api.main:create_app"
VERBS["serve"] = (
    "Serve the API: python3 tasks.py serve HOST=127.0.0.1 PORT=8000",
    [[PY, "-m", "uvicorn", "--factory", APP, "--host", "{HOST}", "--port", "{PORT}"]],
)
VERBS["bench"] = (
    "Measure latency and throughput into reports/performance.md",
    [[PY, "-m", PKG, "bench"]],
)
