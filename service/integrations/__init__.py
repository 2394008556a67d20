"""CRM integrations: HubSpot and Pipedrive webhooks that score notes when they are saved.

``hubspot`` and ``pipedrive`` check and read each CRM's webhooks and talk to its API,
``http`` sends those requests with retries, ``store`` keeps the events in SQLite and
``events`` processes them in the background. The routes are ``service.api.integrations``;
set-up in each CRM is ``docs/integrations.md``.
"""
