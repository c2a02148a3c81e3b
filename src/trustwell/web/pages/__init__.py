"""The server-rendered pages of ``trustwell serve``: status page, assets,
incident room, reports, review and login.

Pages are Jinja2 templates with autoescape on, plain HTML forms and one CSS
file; nothing needs JavaScript. :mod:`.routes` holds the one router the app
includes; the routes are split by concern:

- :mod:`.security` who is looking (session or anonymous), CSRF, flash messages
- :mod:`.rendering` templates, time formatting, safe Markdown, SVG sparklines
- :mod:`.status_pages` ``/`` and ``/assets/NAME`` (and subscribing)
- :mod:`.incident_pages` ``/incidents`` and ``/incidents/ID``
- :mod:`.incident_forms` every incident action the CLI has, as POST forms
- :mod:`.report_pages` ``/report`` and ``/reports/REF``
- :mod:`.auth_pages` ``/login`` and ``/logout``
- :mod:`.review_page` ``/review``

Who sees what: with ``status_page: public`` (the default) anyone may read the
status, asset and incident pages, report a problem and subscribe to an asset,
and sees only public texts; internal timeline text, roles, runbooks,
post-mortems, action items and subscriber e-mails need a session. With
``status_page: private`` every page but ``/login`` sends a visitor to log in.
"""
