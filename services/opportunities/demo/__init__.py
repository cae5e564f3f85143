"""Demo data for a fresh platform: fictional organisations and roles at real GB postcodes.

``demo_dataset(today)`` builds the same data every time for a given day (seeded), with
every date relative to ``today`` so the roles never look stale. The content lives in the
catalogue modules (``towns``, ``organisations``, ``roles_*``); the real postcodes in
``postcodes.json`` were picked from OS Code-Point Open by ``pick_postcodes.py``.
"""

from __future__ import annotations

from services.opportunities.demo.generate import DemoDataset, demo_dataset

__all__ = ["DemoDataset", "demo_dataset"]
