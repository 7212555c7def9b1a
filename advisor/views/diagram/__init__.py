"""The service interaction diagram: what it shows (plan), Graphviz (dot), Mermaid, the theme and safety."""
