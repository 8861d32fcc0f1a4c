"""unsc-sim: a UN Security Council vote simulator."""

__version__ = "0.1.0"
