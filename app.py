"""Starts the genapp Gradio app (Hugging Face Spaces runs this file)."""
import os

from genapp import studio
from genapp.ui.app import build_app

studio.warm_up()                         # load every model once, before the first request
demo = build_app()
# 2 workers on 2 cores: each request is short and uses one core's worth of torch threads
demo.queue(max_size=64, default_concurrency_limit=2)

if __name__ == "__main__":
    # uploads over 10 MB are refused by Gradio itself, with a message, before they reach the app
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), max_file_size="10mb")
