"""The JSON content: read-only models, loaded and validated once at start."""

from .loader import FILES, Content, ContentError, load_content
from .models import Text

__all__ = ["FILES", "Content", "ContentError", "Text", "load_content"]
