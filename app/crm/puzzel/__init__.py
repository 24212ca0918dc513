"""Puzzel Contact Centre (seed 004): click-to-call through its callout API."""
