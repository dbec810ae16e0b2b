"""Collector Workstation core: plain Python, no Qt.

Everything a collector's decisions depend on lives here (domain, plans, compliance, queue,
store, sync, documents, the reference backend) so it can be tested, scripted and reused
without a display.
"""

__version__ = "0.1.0"
