"""The Streamlit app's pages and helpers. Pages call the packages; no SQL here."""
