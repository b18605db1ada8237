"""RSS 2.0 and Atom feeds of published articles, and the sitemap, served outside ``/api``."""
