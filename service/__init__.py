"""Klarsteg's user-facing surfaces: the HTTP API and web page, the CLI, batch files, reports.

Each is a thin layer over :mod:`model`, which does the work.
"""
