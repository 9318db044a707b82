"""`python -m portfoliokit`."""

from .cli import main

main()
