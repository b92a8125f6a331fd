"""Rendering models to text: markdown (Jinja2 templates), terminal text and JSON."""
