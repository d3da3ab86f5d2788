"""genapp: see how VAEs, GANs and RBMs generate images, audio and text."""
