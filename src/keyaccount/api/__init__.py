"""The REST API's mount point: ``urls`` puts every app's ``api.py`` routers under /api/v1 in one
NinjaAPI with one OpenAPI document. No models, views or services of its own (the shared schemas,
error handlers and authentication live in ``core.api``), and nothing imports it.
"""
