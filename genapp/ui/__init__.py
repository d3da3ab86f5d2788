"""Gradio UI: one module per tab, each a `build()`; `app.build_app()` assembles them."""
