"""What builds keep between them, in ``FOLDER`` below the site's folder, to do only the work an
edit asks for."""

#: Deleting it only costs the time to build again.
FOLDER = ".cache"
