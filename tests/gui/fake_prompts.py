"""A Prompts stand-in: answers modal questions from queues and records what was asked (never blocks)."""

from __future__ import annotations

from collections import deque


class FakePrompts:
    def __init__(self):
        self.parent = None
        self.asked: list[tuple[str, str, str]] = []  # (method, title, text)
        self.answers: dict[str, deque] = {}

    def answer(self, method: str, *values) -> FakePrompts:
        self.answers.setdefault(method, deque()).extend(values)
        return self

    def _next(self, method: str, default):
        q = self.answers.get(method)
        return q.popleft() if q else default

    def confirm(self, title, text):
        self.asked.append(("confirm", title, text))
        return self._next("confirm", False)

    def info(self, title, text):
        self.asked.append(("info", title, text))

    def error(self, title, text):
        self.asked.append(("error", title, text))

    def crash(self, summary, logfile):
        raise AssertionError(f"crash dialog: {summary}")

    def ask_text(self, title, label, text=""):
        self.asked.append(("ask_text", title, label))
        return self._next("ask_text", None)

    def ask_choice(self, title, label, choices):
        self.asked.append(("ask_choice", title, label))
        self.choices = list(choices)  # the (value, label) pairs last offered
        return self._next("ask_choice", None)

    def save_discard_cancel(self, title, text):
        self.asked.append(("save_discard_cancel", title, text))
        return self._next("save_discard_cancel", "cancel")

    def ask_open_file(self, title, filter_=""):
        return self._next("ask_open_file", None)

    def ask_open_files(self, title, filter_=""):
        return self._next("ask_open_files", [])

    def ask_save_file(self, title, suggested, filter_=""):
        return self._next("ask_save_file", None)

    def titles(self, method: str) -> list[str]:
        return [t for m, t, _ in self.asked if m == method]

    def texts(self, method: str) -> list[str]:
        return [x for m, _, x in self.asked if m == method]
