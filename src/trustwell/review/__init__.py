"""The monthly review: incident metrics of a month, trends, and what is still owed.

>>> from trustwell.review.build import build_review, render_html, render_markdown
>>> review = build_review(store, project, "2026-11")
>>> Path("review-2026-11.html").write_text(render_html(review))

:mod:`trustwell.review.charts` draws the inline SVG charts (also used by ``/review``).
"""
