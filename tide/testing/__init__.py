"""Factories and fixtures shared by every room's tests (synthetic data only)."""
