"""The pages of the web app, one file each (routed by advisor/web/app.py)."""
