"""The PySide6 desktop workstation. Importing this package does not import Qt."""
