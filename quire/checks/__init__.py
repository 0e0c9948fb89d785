"""Checks over what was read: paths confined to the project, quotations, passages, images and raw markup."""
