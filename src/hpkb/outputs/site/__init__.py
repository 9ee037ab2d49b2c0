"""The static site: generated pages, the site engine, the page checks."""
