"""careers: a static site generator for company careers sites."""

__version__ = "0.1.0"
