"""The investigators' web workbench: FastAPI, server-rendered templates."""
