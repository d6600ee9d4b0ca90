"""The flow service's logic, between the HTTP API (`runtime/api/`) and the store (`runtime/store/`): a tenant's
workspace, checks, publishing with tests, simulation, import and export. No HTTP and no SQL here."""
