"""The appendices' Jinja sandbox stops at its bounds (quire/build/template_sandbox.py)."""

from __future__ import annotations

import time

import pytest

from quire.build.template_sandbox import MAX_ITEMS, BoundedSandbox, TemplateBound


def render(source: str, seconds: float = 5.0, **values) -> str:
    env = BoundedSandbox()
    return env.render(env.from_string(source), seconds, **values)


def test_an_ordinary_template_renders():
    assert render("{% for i in range(3) %}{{ i * 2 }},{% endfor %}{{ 'ab' * 2 }}{{ 2 ** 3 }}") \
        == "0,2,4,abab8"


def test_nested_ranges_stop_at_the_deadline():
    start = time.monotonic()
    with pytest.raises(TemplateBound, match=r"ran longer than 0\.3 s"):
        render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
               "{% endfor %}", seconds=0.3)
    assert time.monotonic() - start < 5


def test_a_loop_without_calls_over_a_long_list_stops_too():
    with pytest.raises(TemplateBound, match="ran longer than"):
        render("{% set xs = range(100000) | list %}{% for i in xs %}{% for j in xs %}"
               "{% endfor %}{% endfor %}", seconds=0.3)


@pytest.mark.parametrize("source, message", [
    ("{{ 'x' * 10000000 }}", f"more than {MAX_ITEMS:,} items"),
    ("{{ [1] * 10000000 }}", f"more than {MAX_ITEMS:,} items"),
    ("{{ 10000000 * 'x' }}", f"more than {MAX_ITEMS:,} items"),
    ("{{ 2 ** 100000 }}", "a power above 1000"),
    ("{% for i in range(10 ** 9) %}{% endfor %}", "range() of more than"),
])
def test_size_bounds(source, message):
    with pytest.raises(TemplateBound, match=message.replace("(", r"\(").replace(")", r"\)")):
        render(source)


def test_the_output_is_bounded():
    with pytest.raises(TemplateBound, match="grew past 16 MiB"):
        render("{% for i in range(100000) %}{{ 'x' * 999999 }}{% endfor %}", seconds=60)


def test_the_deadline_is_per_render():
    env = BoundedSandbox()
    template = env.from_string("{{ n }}")
    assert env.render(template, 0.01, n=1) == "1"
    time.sleep(0.05)
    assert env.render(template, 0.01, n=2) == "2"  # a new render, a new deadline
    env.tick()  # outside a render: no deadline, nothing raised
