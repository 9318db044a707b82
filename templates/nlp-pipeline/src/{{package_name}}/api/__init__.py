"""HTTP service: `create_app()` builds the FastAPI app; the model loads in its lifespan."""

from .main import create_app

__all__ = ["create_app"]
