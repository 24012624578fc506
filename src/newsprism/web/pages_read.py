"""Routes: filled in by the web app work (see the package docstring)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
