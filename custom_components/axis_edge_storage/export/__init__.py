"""Clip export: a range of a camera's recordings becomes verified files, with links to them.

``plan`` (pure: range checks, cover, disk choice), ``files`` (names, folders, the ``.part``
file), ``writeback`` (the file goes to the disk as it is written), ``download`` (one file:
read, write and hash at once), ``exporter`` (a request becomes files), ``limits``,
``progress``, ``queue`` (one camera's exports, events, retention), ``links`` and ``view``
(download links), ``retention``, ``errors`` and ``models``.
"""
