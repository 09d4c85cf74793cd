"""Avvik: mutual deviation reporting between municipalities and hospital trusts."""

from avvik.app import create_app

__all__ = ["create_app"]
