"""What the preview server (``build.py serve``) adds to the site it serves: the output served as a
static host serves it, a page that shows the build's errors where the page would be, and the
script that takes the browser to the page being edited."""
