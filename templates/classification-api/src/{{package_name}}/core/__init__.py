"""The family core shared by every portfoliokit project: statistics, markers, the model
artefact, the HTTP service skeleton, the demo page and the benchmark harness."""
