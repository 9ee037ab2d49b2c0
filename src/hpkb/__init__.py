"""hpkb: the homicide-prevention knowledge base.

Pipeline: load → validate → link → view(profile) → site │ search │ packs │ export.
See `pipeline.py` for the table of contents.
"""

__version__ = "0.1.0"
