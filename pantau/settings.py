"""Pantau's settings (defined in `models.settings`, so that flow runs on workers read them
too)."""

from models.settings import Settings, ensure_writable, prepare_prefect

__all__ = ["Settings", "ensure_writable", "prepare_prefect"]
