"""The service's state in its data folder: tenants, users, flows and their versions, tests, environments, audit.

SQL lives only in this package, one module per concept, so that another database can take SQLite's place without
touching the HTTP layer.
"""
