"""The media browser: the tree and its titles (pure), the recordings index, the thumbnails."""
