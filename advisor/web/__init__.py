"""The Streamlit web app: the adapter modules and the pages. The only layer that imports streamlit."""
