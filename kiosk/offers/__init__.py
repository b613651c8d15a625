"""Offers and help: the visitor directory, staff content pages, HSDS import/export, vCard."""
