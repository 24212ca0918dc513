"""Ringside: a screen-pop companion for recruiters' softphones."""

__version__ = "0.1.0"
