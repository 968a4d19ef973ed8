"""The audit actions the simulate room writes: one constant per action, never a free-text string."""

DEMO_LOADED = "demo.loaded"
