"""Keyaccount: the workspace of the key-account manager and the head of sales."""

__version__ = "0.1.0"
