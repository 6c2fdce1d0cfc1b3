"""Realistic, clearly fictional South Derbyshire demo data (``cspdesk demo``)."""

from cspdesk.core.demo.generate import DemoReport, generate_demo

__all__ = ["DemoReport", "generate_demo"]
