"""One router module per workbench area; each may list its navigation entries in NAV."""
