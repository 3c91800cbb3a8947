"""Bundled problem sets: one subpackage per set (see :mod:`derive.registry`)."""
