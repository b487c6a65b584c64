"""The explainer scenes shipped with gananim, one manim script per file, found by name (`gananim scene collapse`);
gananim.rendering.catalogue says which recordings each one needs and what its story is. Each file is also a scene
script on its own (`gananim scene path/to/file.py RUN...`); the repository's scenes/*.py are thin copies of these."""
