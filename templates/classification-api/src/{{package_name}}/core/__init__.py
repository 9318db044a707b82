"""The family core shared by every portfoliokit project: statistics, markers."""
