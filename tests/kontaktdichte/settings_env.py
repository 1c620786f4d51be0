"""The settings module as it comes out under given environment variables."""

import runpy
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "kontaktdichte" / "settings.py"


def run_settings(monkeypatch, **env) -> dict:
    """The names `kontaktdichte/settings.py` defines with `env` set (and the rest as it is)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))
